import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { PriceAggregatorConfigParsed } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import type { AggregatorSecrets } from '../config/aggregator-secrets.js';
import { AGGREGATOR_CONFIG, AGGREGATOR_SECRETS, LOGGER } from '../config/config.tokens.js';
import { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import { HttpSourceRunner } from './http-source-runner.js';
import { SourceCatalog } from './source-catalog.js';
import { SourceStatusBoard } from './source-status.js';
import { sourceModules } from './sources.registry.js';

@Module({
  providers: [
    {
      provide: SourceCatalog,
      useFactory: (config: PriceAggregatorConfigParsed, secrets: AggregatorSecrets) =>
        new SourceCatalog(sourceModules, config, secrets),
      inject: [AGGREGATOR_CONFIG, AGGREGATOR_SECRETS],
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
      useFactory: (metrics: AggregatorMetrics, secrets: AggregatorSecrets, logger: Logger) =>
        new HttpSourceRunner(metrics, secrets.proxy?.reveal(), logger.child({ component: 'source-runner' })),
      inject: [AggregatorMetrics, AGGREGATOR_SECRETS, LOGGER],
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
