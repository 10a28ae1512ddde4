/**
 * The last aggregate of each pair, valid while it was computed from exactly the cached quotes the
 * cache holds now (same entry objects) and none of them has expired. Oracle nodes ask for the same
 * pairs every round; this keeps a batch request to lookups and concatenation.
 */
import type { CachedQuote } from '../cache/quote-cache.js';

interface Memo<T> {
  readonly quotes: readonly CachedQuote[];
  readonly validUntilMs: number;
  readonly result: T;
}

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

  set(key: string, quotes: readonly CachedQuote[], result: T): void {
    if (quotes.length === 0) return;
    this.memos.set(key, { quotes, validUntilMs: Math.min(...quotes.map((q) => q.expiresAtMs)), result });
  }

  /** Forgets memos that can no longer be valid. */
  sweep(nowMs: number): void {
    if (nowMs - this.sweptAtMs < SWEEP_INTERVAL_MS) return;
    this.sweptAtMs = nowMs;
    for (const [key, memo] of this.memos) if (nowMs >= memo.validUntilMs) this.memos.delete(key);
  }
}
