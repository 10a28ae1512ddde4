/**
 * Keeps registered pairs warm: one timer, armed for the next registration that becomes due
 * (`staleTriggerBeforeExpiry` before its entry expires), refetches due pairs per source in
 * batches, and re-plans when a fetch finishes or a pair is registered.
 */
import type { Logger } from '@oracle/logger';
import type { SourceCatalog } from '../sources/source-catalog.js';
import type { CacheTiming } from './cache-timing.js';
import type { PairRegistry } from './pair-registry.js';
import type { QuoteCache } from './quote-cache.js';
import type { QuoteFetcher } from './quote-fetcher.js';
import { planRefresh, type RefreshView } from './refresh-plan.js';

/** Longest sleep between plans, so nothing waits on a missed kick. */
const MAX_SLEEP_MS = 1_000;

export interface RefreshSchedulerDeps {
  readonly catalog: SourceCatalog;
  readonly registry: PairRegistry;
  readonly cache: QuoteCache;
  readonly timing: CacheTiming;
  readonly fetcher: QuoteFetcher;
  readonly logger: Logger;
  readonly now?: () => number;
}

export class RefreshScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly now: () => number;
  private readonly view: RefreshView;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: RefreshSchedulerDeps) {
    this.now = deps.now ?? Date.now;
    this.view = {
      entry: (slot) => deps.cache.get(slot),
      leadMs: (slot) => deps.timing.refetchLeadMs(slot.source, slot.pair),
      inFlight: (slot) => deps.fetcher.inFlight(slot),
    };
  }

  start(): void {
    this.running = true;
    this.unsubscribe = this.deps.registry.subscribe({ added: () => this.kick(), removed: () => undefined });
    this.kick();
  }

  stop(): void {
    this.running = false;
    this.unsubscribe?.();
    clearTimeout(this.timer);
  }

  /** Plans again on the next turn of the event loop. */
  kick(): void {
    this.arm(0);
  }

  private tick(): void {
    const now = this.now();
    const plan = planRefresh(this.deps.registry.all(), this.view, now);
    for (const [id, pairs] of plan.due) {
      const source = this.deps.catalog.get(id);
      if (!source?.enabled) continue;
      this.deps.fetcher.fetch(source, pairs, 'refetch').then(
        () => this.kick(),
        (error: unknown) => this.deps.logger.error({ source: id, err: error }, 'Refetch failed unexpectedly'),
      );
    }
    this.arm(plan.nextDueAtMs === undefined ? MAX_SLEEP_MS : Math.min(MAX_SLEEP_MS, plan.nextDueAtMs - now));
  }

  private arm(delayMs: number): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), Math.max(0, delayMs));
  }
}
