import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AggregatorConfig } from '@oracle/config';
import { Clock } from '../clock.js';
import { AGGREGATOR_CONFIG } from '../config/config.tokens.js';
import { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import { SourcesModule } from '../sources/sources.module.js';
import { CacheTiming } from './cache-timing.js';
import { PairCleanup } from './pair-cleanup.js';
import { PairRegistry } from './pair-registry.js';
import { QuoteCache } from './quote-cache.js';
import { QuoteFetcher } from './quote-fetcher.js';
import { RefreshScheduler } from './refresh-scheduler.js';

@Module({
  imports: [SourcesModule],
  providers: [QuoteCache, PairRegistry, CacheTiming, QuoteFetcher, RefreshScheduler, PairCleanup],
  exports: [SourcesModule, QuoteCache, PairRegistry, CacheTiming, QuoteFetcher, RefreshScheduler],
})
export class CacheModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(AGGREGATOR_CONFIG) private readonly config: AggregatorConfig,
    @Inject(RefreshScheduler) private readonly scheduler: RefreshScheduler,
    @Inject(PairCleanup) private readonly cleanup: PairCleanup,
    @Inject(QuoteCache) cache: QuoteCache,
    @Inject(CacheTiming) timing: CacheTiming,
    @Inject(AggregatorMetrics) metrics: AggregatorMetrics,
    @Inject(Clock) clock: Clock,
  ) {
    metrics.observeCache(() => {
      const now = clock.now();
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
