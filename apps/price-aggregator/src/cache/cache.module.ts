import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AggregatorConfig } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import { AGGREGATOR_CONFIG, LOGGER } from '../config/config.tokens.js';
import { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import { HttpSourceRunner } from '../sources/http-source-runner.js';
import { SourceCatalog } from '../sources/source-catalog.js';
import { SourceStatusBoard } from '../sources/source-status.js';
import { SourcesModule } from '../sources/sources.module.js';
import { CacheTiming } from './cache-timing.js';
import { PairCleanup } from './pair-cleanup.js';
import { PairRegistry } from './pair-registry.js';
import { QuoteCache } from './quote-cache.js';
import { QuoteFetcher } from './quote-fetcher.js';
import { RefreshScheduler } from './refresh-scheduler.js';

@Module({
  imports: [SourcesModule],
  providers: [
    { provide: QuoteCache, useFactory: () => new QuoteCache() },
    { provide: PairRegistry, useFactory: () => new PairRegistry() },
    {
      provide: CacheTiming,
      useFactory: (config: AggregatorConfig) => new CacheTiming(config),
      inject: [AGGREGATOR_CONFIG],
    },
    {
      provide: QuoteFetcher,
      useFactory: (
        runner: HttpSourceRunner,
        cache: QuoteCache,
        registry: PairRegistry,
        timing: CacheTiming,
        status: SourceStatusBoard,
        metrics: AggregatorMetrics,
        config: AggregatorConfig,
      ) =>
        new QuoteFetcher({
          runner,
          cache,
          registry,
          timing,
          status,
          metrics,
          minTimeBetweenRefreshesMs: config.refetch.minTimeBetweenRefreshes,
          unknownPairRetryMs: config.adHocPairs.unknownPairRetryMs,
        }),
      inject: [
        HttpSourceRunner,
        QuoteCache,
        PairRegistry,
        CacheTiming,
        SourceStatusBoard,
        AggregatorMetrics,
        AGGREGATOR_CONFIG,
      ],
    },
    {
      provide: RefreshScheduler,
      useFactory: (
        catalog: SourceCatalog,
        registry: PairRegistry,
        cache: QuoteCache,
        timing: CacheTiming,
        fetcher: QuoteFetcher,
        logger: Logger,
      ) =>
        new RefreshScheduler({
          catalog,
          registry,
          cache,
          timing,
          fetcher,
          logger: logger.child({ component: 'refresh' }),
        }),
      inject: [SourceCatalog, PairRegistry, QuoteCache, CacheTiming, QuoteFetcher, LOGGER],
    },
    {
      provide: PairCleanup,
      useFactory: (registry: PairRegistry, cache: QuoteCache, config: AggregatorConfig, logger: Logger) =>
        new PairCleanup(registry, cache, config.pairCleanup, logger.child({ component: 'pair-cleanup' })),
      inject: [PairRegistry, QuoteCache, AGGREGATOR_CONFIG, LOGGER],
    },
  ],
  exports: [SourcesModule, QuoteCache, PairRegistry, CacheTiming, QuoteFetcher],
})
export class CacheModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(AGGREGATOR_CONFIG) private readonly config: AggregatorConfig,
    @Inject(RefreshScheduler) private readonly scheduler: RefreshScheduler,
    @Inject(PairCleanup) private readonly cleanup: PairCleanup,
    @Inject(QuoteCache) cache: QuoteCache,
    @Inject(CacheTiming) timing: CacheTiming,
    @Inject(AggregatorMetrics) metrics: AggregatorMetrics,
  ) {
    metrics.observeCache(() => {
      const now = Date.now();
      let entries = 0;
      let stale = 0;
      for (const entry of cache.fresh()) {
        entries++;
        if (entry.expiresAtMs - timing.refetchLeadMs(entry.source, entry.pair) <= now) stale++;
      }
      return { entries, stale };
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.refetch.enabled) this.scheduler.start();
    if (this.config.pairCleanup.enabled) this.cleanup.start();
  }

  onApplicationShutdown(): void {
    this.scheduler.stop();
    this.cleanup.stop();
  }
}
