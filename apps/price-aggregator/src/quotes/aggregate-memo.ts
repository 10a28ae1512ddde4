/**
 * The last aggregate of each pair, valid while it was computed from exactly the cached quotes the
 * cache holds now (same entry objects), none of them has expired and none has changed its standing
 * by its source's own timestamp (turned stale at its source). Oracle nodes ask for the same pairs
 * every round; this keeps a batch request to lookups and concatenation.
 */
import { sourceAgeChangesAtMs } from '../aggregation/source-age.js';
import type { CachedQuote } from '../cache/quote-cache.js';

interface Memo<T> {
  readonly quotes: readonly CachedQuote[];
  readonly validUntilMs: number;
  readonly result: T;
}

/** A result handed to `set` was aggregated at most this long before. */
const AGGREGATED_WITHIN_MS = 1_000;

/** Expired memos are swept at most this often. */
const SWEEP_INTERVAL_MS = 1_000;

export class AggregateMemo<T = unknown> {
  private readonly memos = new Map<string, Memo<T>>();
  private sweptAtMs = 0;

  /** The memoised result if it was computed from these very quotes and is still valid at `nowMs`. */
  get(key: string, quotes: readonly CachedQuote[], nowMs: number): T | undefined {
    const memo = this.memos.get(key);
    if (!memo || nowMs >= memo.validUntilMs || memo.quotes.length !== quotes.length) return undefined;
    return memo.quotes.every((q, i) => q === quotes[i]) ? memo.result : undefined;
  }

  /**
   * Keeps `result`, computed from `quotes` just before `nowMs`. Changes of standing by source
   * timestamp are looked for from AGGREGATED_WITHIN_MS before `nowMs`, so one that fell between the
   * aggregation and this call ends the memo at once instead of being missed.
   */
  set(key: string, quotes: readonly CachedQuote[], result: T, nowMs: number): void {
    if (quotes.length === 0) return;
    const aggregatedAfterMs = nowMs - AGGREGATED_WITHIN_MS;
    let validUntilMs = Number.POSITIVE_INFINITY;
    for (const quote of quotes) {
      const ageChangesAtMs = sourceAgeChangesAtMs(quote, aggregatedAfterMs) ?? Number.POSITIVE_INFINITY;
      validUntilMs = Math.min(validUntilMs, quote.expiresAtMs, ageChangesAtMs);
    }
    this.memos.set(key, { quotes, validUntilMs, result });
  }

  /** Forgets memos that can no longer be valid. */
  sweep(nowMs: number): void {
    if (nowMs - this.sweptAtMs < SWEEP_INTERVAL_MS) return;
    this.sweptAtMs = nowMs;
    for (const [key, memo] of this.memos) if (nowMs >= memo.validUntilMs) this.memos.delete(key);
  }
}
