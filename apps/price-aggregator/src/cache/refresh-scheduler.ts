/**
 * Keeps registered pairs warm: one timer (in Nest's SchedulerRegistry), armed for the next
 * registration that becomes due (`staleTriggerBeforeExpiry` before its entry expires), refetches
 * due pairs per source in batches — with those of the source due within the merge window, see
 * `planRefresh` — and re-plans when a fetch finishes or a pair is registered.
 */
import { Inject, Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Logger } from '@oracle/logger';
import { Clock } from '../clock.js';
import { LOGGER } from '../config/config.tokens.js';
import { SourceCatalog } from '../sources/source-catalog.js';
import { CacheTiming } from './cache-timing.js';
import { PairRegistry } from './pair-registry.js';
import { QuoteCache } from './quote-cache.js';
import { QuoteFetcher } from './quote-fetcher.js';
import { planRefresh, type RefreshView } from './refresh-plan.js';

/** Longest sleep between plans, so nothing waits on a missed kick. */
const MAX_SLEEP_MS = 1_000;
const TIMER = 'refresh-scheduler';

@Injectable()
export class RefreshScheduler {
  private running = false;
  private readonly view: RefreshView;
  private readonly logger: Logger;
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(SourceCatalog) private readonly catalog: SourceCatalog,
    @Inject(PairRegistry) private readonly registry: PairRegistry,
    @Inject(QuoteCache) cache: QuoteCache,
    @Inject(CacheTiming) timing: CacheTiming,
    @Inject(QuoteFetcher) private readonly fetcher: QuoteFetcher,
    @Inject(SchedulerRegistry) private readonly timers: SchedulerRegistry,
    @Inject(Clock) private readonly clock: Pick<Clock, 'now'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'refresh' });
    this.view = {
      entry: (slot) => cache.get(slot),
      leadMs: (slot) => timing.refetchLeadMs(slot.source, slot.pair),
      inFlight: (slot) => fetcher.inFlight(slot),
    };
  }

  start(): void {
    this.running = true;
    this.unsubscribe = this.registry.subscribe({ added: () => this.kick(), removed: () => undefined });
    this.kick();
  }

  stop(): void {
    this.running = false;
    this.unsubscribe?.();
    this.clear();
  }

  /** Plans again on the next turn of the event loop. */
  kick(): void {
    this.arm(0);
  }

  /** One plan: starts the fetches due now (exposed for tests that move the clock by hand). */
  tick(): void {
    const now = this.clock.now();
    const plan = planRefresh(this.registry.all(), this.view, now);
    for (const [id, pairs] of plan.due) {
      const source = this.catalog.get(id);
      if (!source?.enabled) continue;
      this.fetcher.fetch(source, pairs, 'refetch').then(
        () => this.kick(),
        (error: unknown) => this.logger.error({ source: id, err: error }, 'Refetch failed unexpectedly'),
      );
    }
    this.arm(plan.nextDueAtMs === undefined ? MAX_SLEEP_MS : Math.min(MAX_SLEEP_MS, plan.nextDueAtMs - now));
  }

  private arm(delayMs: number): void {
    if (!this.running) return;
    this.clear();
    this.timers.addTimeout(
      TIMER,
      setTimeout(() => this.tick(), Math.max(0, delayMs)),
    );
  }

  private clear(): void {
    if (this.timers.doesExist('timeout', TIMER)) this.timers.deleteTimeout(TIMER);
  }
}
