/**
 * Every `cleanupIntervalMs`, drops requested pairs nobody asked for in `inactiveTimeoutMs`
 * (configured pairs stay) together with their cache entries, and evicts expired entries.
 */
import type { Logger } from '@oracle/logger';
import type { PairRegistry } from './pair-registry.js';
import type { QuoteCache } from './quote-cache.js';

export interface PairCleanupOptions {
  readonly inactiveTimeoutMs: number;
  readonly cleanupIntervalMs: number;
}

export class PairCleanup {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: PairRegistry,
    private readonly cache: QuoteCache,
    private readonly options: PairCleanupOptions,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.run(), this.options.cleanupIntervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One cleanup pass; returns the number of registrations removed. */
  run(): number {
    const removed = this.registry.removeInactive(this.now(), this.options.inactiveTimeoutMs);
    for (const r of removed) this.cache.delete(r);
    this.cache.evictExpired();
    if (removed.length > 0)
      this.logger.info({ removed: removed.length, remaining: this.registry.size }, 'Dropped inactive pairs');
    return removed.length;
  }
}
