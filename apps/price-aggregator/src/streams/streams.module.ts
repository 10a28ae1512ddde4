import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@oracle/logger';
import { CacheModule } from '../cache/cache.module.js';
import { CacheTiming } from '../cache/cache-timing.js';
import { PairRegistry } from '../cache/pair-registry.js';
import { QuoteCache } from '../cache/quote-cache.js';
import { LOGGER } from '../config/config.tokens.js';
import { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import { HttpSourceRunner } from '../sources/http-source-runner.js';
import { SourceCatalog } from '../sources/source-catalog.js';
import { StreamSupervisor } from './stream-supervisor.js';

@Module({
  imports: [CacheModule],
  providers: [
    {
      provide: StreamSupervisor,
      useFactory: (
        catalog: SourceCatalog,
        registry: PairRegistry,
        cache: QuoteCache,
        timing: CacheTiming,
        runner: HttpSourceRunner,
        metrics: AggregatorMetrics,
        logger: Logger,
      ) => new StreamSupervisor({ catalog, registry, cache, timing, runner, metrics, logger }),
      inject: [
        SourceCatalog,
        PairRegistry,
        QuoteCache,
        CacheTiming,
        HttpSourceRunner,
        AggregatorMetrics,
        LOGGER,
      ],
    },
  ],
  exports: [StreamSupervisor],
})
export class StreamsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(StreamSupervisor) private readonly streams: StreamSupervisor) {}

  onApplicationBootstrap(): void {
    this.streams.start();
  }

  onApplicationShutdown(): void {
    this.streams.stop();
  }
}
