/**
 * Every `cleanupIntervalMs`, drops requested pairs nobody asked for in `inactiveTimeoutMs`
 * (configured pairs stay) together with their cache entries, and evicts expired entries.
 */
import { Inject, Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { AggregatorConfig } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import { Clock } from '../clock.js';
import { AGGREGATOR_CONFIG, LOGGER } from '../config/config.tokens.js';
import { PairRegistry } from './pair-registry.js';
import { QuoteCache } from './quote-cache.js';

const TIMER = 'pair-cleanup';

@Injectable()
export class PairCleanup {
  private readonly options: AggregatorConfig['pairCleanup'];
  private readonly logger: Logger;

  constructor(
    @Inject(PairRegistry) private readonly registry: PairRegistry,
    @Inject(QuoteCache) private readonly cache: QuoteCache,
    @Inject(SchedulerRegistry) private readonly timers: SchedulerRegistry,
    @Inject(Clock) private readonly clock: Pick<Clock, 'now'>,
    @Inject(AGGREGATOR_CONFIG) config: Pick<AggregatorConfig, 'pairCleanup'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.options = config.pairCleanup;
    this.logger = logger.child({ component: 'pair-cleanup' });
  }

  start(): void {
    this.timers.addInterval(
      TIMER,
      setInterval(() => this.run(), this.options.cleanupIntervalMs),
    );
  }

  stop(): void {
    if (this.timers.doesExist('interval', TIMER)) this.timers.deleteInterval(TIMER);
  }

  /** One cleanup pass; returns the number of registrations removed. */
  run(): number {
    const removed = this.registry.removeInactive(this.clock.now(), this.options.inactiveTimeoutMs);
    for (const r of removed) this.cache.delete(r);
    this.cache.evictExpired();
    if (removed.length > 0)
      this.logger.info({ removed: removed.length, remaining: this.registry.size }, 'Dropped inactive pairs');
    return removed.length;
  }
}
