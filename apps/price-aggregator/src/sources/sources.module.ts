import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from '@oracle/logger';
import { LOGGER } from '../config/config.tokens.js';
import { HttpSourceRunner } from './http-source-runner.js';
import { SOURCE_MODULES, SourceCatalog } from './source-catalog.js';
import { SourceStatusBoard } from './source-status.js';
import { sourceModules } from './sources.registry.js';

@Module({
  providers: [
    { provide: SOURCE_MODULES, useValue: sourceModules },
    SourceCatalog,
    SourceStatusBoard,
    HttpSourceRunner,
  ],
  exports: [SourceCatalog, SourceStatusBoard, HttpSourceRunner],
})
export class SourcesModule implements OnApplicationBootstrap {
  constructor(
    @Inject(SourceCatalog) private readonly catalog: SourceCatalog,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    for (const source of this.catalog.all()) {
      if (!source.enabled)
        this.logger.info({ source: source.id, reason: source.disabledReason }, 'Source not in use');
    }
  }
}
