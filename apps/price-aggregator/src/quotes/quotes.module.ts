import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import type { AggregatorConfig } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import { CacheModule } from '../cache/cache.module.js';
import { PairRegistry } from '../cache/pair-registry.js';
import { QuoteCache } from '../cache/quote-cache.js';
import { QuoteFetcher } from '../cache/quote-fetcher.js';
import { AGGREGATOR_CONFIG, LOGGER } from '../config/config.tokens.js';
import { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import { SourceCatalog } from '../sources/source-catalog.js';
import { SourceStatusBoard } from '../sources/source-status.js';
import { AdHocPairs } from './ad-hoc-pairs.js';
import { HotRoutes } from './hot-routes.js';
import { PairRoutes } from './pair-routes.js';
import { QuotesController } from './quotes.controller.js';
import { QuotesService } from './quotes.service.js';

@Module({
  imports: [CacheModule],
  controllers: [QuotesController],
  providers: [
    {
      provide: PairRoutes,
      useFactory: (config: AggregatorConfig, catalog: SourceCatalog) => new PairRoutes(config, catalog),
      inject: [AGGREGATOR_CONFIG, SourceCatalog],
    },
    {
      provide: AdHocPairs,
      useFactory: ({ adHocPairs, pairCleanup }: AggregatorConfig) =>
        new AdHocPairs(
          {
            maxPairs: adHocPairs.maxPairs,
            maxNewPairsPerMinute: adHocPairs.maxNewPairsPerMinute,
            inactiveMs: pairCleanup.enabled ? pairCleanup.inactiveTimeoutMs : Number.POSITIVE_INFINITY,
          },
          Date.now(),
        ),
      inject: [AGGREGATOR_CONFIG],
    },
    {
      provide: QuotesService,
      useFactory: (
        catalog: SourceCatalog,
        routes: PairRoutes,
        registry: PairRegistry,
        cache: QuoteCache,
        fetcher: QuoteFetcher,
        status: SourceStatusBoard,
        metrics: AggregatorMetrics,
        adHoc: AdHocPairs,
        config: AggregatorConfig,
      ) =>
        new QuotesService({
          catalog,
          routes,
          registry,
          cache,
          fetcher,
          status,
          metrics,
          adHoc,
          requestTimeoutMs: config.quotes.requestTimeoutMs,
        }),
      inject: [
        SourceCatalog,
        PairRoutes,
        PairRegistry,
        QuoteCache,
        QuoteFetcher,
        SourceStatusBoard,
        AggregatorMetrics,
        AdHocPairs,
        AGGREGATOR_CONFIG,
      ],
    },
    {
      provide: HotRoutes,
      useFactory: (quotes: QuotesService, metrics: AggregatorMetrics, logger: Logger) =>
        new HotRoutes(quotes, metrics, logger),
      inject: [QuotesService, AggregatorMetrics, LOGGER],
    },
  ],
  exports: [CacheModule, PairRoutes, QuotesService, HotRoutes],
})
export class QuotesModule implements OnModuleInit {
  constructor(@Inject(QuotesService) private readonly quotes: QuotesService) {}

  /** Configured pairs are registered before anything starts, so the first refresh plan fetches them. */
  onModuleInit(): void {
    this.quotes.registerConfiguredPairs();
  }
}
