import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AggregatorConfig } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import { AGGREGATOR_CONFIG, LOGGER } from '../config/config.tokens.js';
import { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import { HttpSourceRunner, sourceRetryBackoff } from './http-source-runner.js';
import { SourceCatalog } from './source-catalog.js';
import { SourceStatusBoard } from './source-status.js';
import { sourceModules } from './sources.registry.js';

@Module({
  providers: [
    {
      provide: SourceCatalog,
      useFactory: (config: AggregatorConfig) => new SourceCatalog(sourceModules, config),
      inject: [AGGREGATOR_CONFIG],
    },
    {
      provide: SourceStatusBoard,
      useFactory: (catalog: SourceCatalog, metrics: AggregatorMetrics, logger: Logger) =>
        new SourceStatusBoard(
          catalog.enabled().map((s) => s.id),
          metrics,
          logger,
        ),
      inject: [SourceCatalog, AggregatorMetrics, LOGGER],
    },
    {
      provide: HttpSourceRunner,
      useFactory: (
        metrics: AggregatorMetrics,
        config: AggregatorConfig,
        logger: Logger,
        status: SourceStatusBoard,
      ) =>
        new HttpSourceRunner(
          metrics,
          typeof config.proxy === 'string' ? config.proxy : config.proxy?.reveal(),
          logger.child({ component: 'source-runner' }),
          sourceRetryBackoff,
          status,
        ),
      inject: [AggregatorMetrics, AGGREGATOR_CONFIG, LOGGER, SourceStatusBoard],
    },
  ],
  exports: [SourceCatalog, SourceStatusBoard, HttpSourceRunner],
})
export class SourcesModule implements OnApplicationShutdown {
  constructor(
    @Inject(HttpSourceRunner) private readonly runner: HttpSourceRunner,
    @Inject(SourceCatalog) catalog: SourceCatalog,
    @Inject(LOGGER) logger: Logger,
  ) {
    for (const source of catalog.all()) {
      if (!source.enabled)
        logger.info({ source: source.id, reason: source.disabledReason }, 'Source not in use');
    }
  }

  onApplicationShutdown(): void {
    this.runner.close();
  }
}
