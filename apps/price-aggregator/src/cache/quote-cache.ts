/**
 * Latest quote per (source, pair), each with its own expiry. An entry is never served at or past
 * its expiry: reading it evicts it. Listeners hear about every write (REST or stream).
 */
import { Inject, Injectable } from '@nestjs/common';
import { sourceAgeChangesAtMs } from '../aggregation/source-age.js';
import { Clock } from '../clock.js';
import { pairKey, type Pair, type SourceId, type SourcePrice } from '../sources/price-source.js';

export interface CachedQuote {
  readonly source: SourceId;
  readonly pair: Pair;
  readonly price: string;
  readonly receivedAtMs: number;
  readonly expiresAtMs: number;
  /** The source's own timestamp of the price, epoch ms, when the source gives one. */
  readonly sourceTimestampMs?: number;
  /** The source's bound on the age of `sourceTimestampMs` (`sources.<id>.maxSourceAgeMs`), as written. */
  readonly maxSourceAgeMs?: number;
  readonly via: 'rest' | 'stream';
}

export type CacheListener = (quote: CachedQuote) => void;

export const cacheKey = (source: SourceId, pair: Pair): string => `${source}|${pairKey(pair)}`;

/** Where a (source, pair) lives in the cache and the registry, its map key computed once. */
export interface QuoteSlot {
  readonly source: SourceId;
  readonly pair: Pair;
  readonly key: string;
}

export const quoteSlot = (source: SourceId, pair: Pair): QuoteSlot => ({
  source,
  pair,
  key: cacheKey(source, pair),
});

@Injectable()
export class QuoteCache {
  private readonly entries = new Map<string, CachedQuote>();
  private readonly listeners = new Set<CacheListener>();
  private changes = 0;
  /** When the earliest entry turns stale by its source's timestamp (see `sourceAgeChangesAtMs`), if any may. */
  private sourceAgeCheckAtMs = Number.POSITIVE_INFINITY;

  constructor(@Inject(Clock) private readonly clock: Pick<Clock, 'now'>) {}

  private now(): number {
    return this.clock.now();
  }

  /**
   * Changes with every write and removal, and when a cached quote turns stale by its source's own
   * timestamp: whatever was built from the cache at one version still holds while it stays.
   */
  get version(): number {
    if (this.sourceAgeCheckAtMs <= this.now()) this.passSourceAgeChange();
    return this.changes;
  }

  /** Caches a quote for `ttlMs`; `maxSourceAgeMs` is the source's bound on the age of its timestamp. */
  put(
    source: SourceId,
    quote: SourcePrice,
    ttlMs: number,
    via: CachedQuote['via'],
    maxSourceAgeMs?: number,
  ): CachedQuote {
    const receivedAtMs = this.now();
    const stamped = quote.sourceTimestampMs !== undefined;
    const entry: CachedQuote = {
      source,
      pair: quote.pair,
      price: quote.price,
      receivedAtMs,
      expiresAtMs: receivedAtMs + ttlMs,
      ...(stamped ? { sourceTimestampMs: quote.sourceTimestampMs } : {}),
      ...(stamped && maxSourceAgeMs !== undefined ? { maxSourceAgeMs } : {}),
      via,
    };
    this.entries.set(cacheKey(source, quote.pair), entry);
    this.changes++;
    const ageChangesAtMs = sourceAgeChangesAtMs(entry, receivedAtMs);
    if (ageChangesAtMs !== undefined && ageChangesAtMs < this.sourceAgeCheckAtMs)
      this.sourceAgeCheckAtMs = ageChangesAtMs;
    for (const listener of this.listeners) listener(entry);
    return entry;
  }

  /** The entry if it has not expired at `nowMs`; an expired entry is removed and reported as absent. */
  get(slot: QuoteSlot, nowMs: number = this.now()): CachedQuote | undefined {
    const entry = this.entries.get(slot.key);
    if (entry && entry.expiresAtMs <= nowMs) {
      this.delete(slot);
      return undefined;
    }
    return entry;
  }

  delete(slot: QuoteSlot): void {
    if (this.entries.delete(slot.key)) this.changes++;
  }

  /** Removes every expired entry; returns how many. */
  evictExpired(): number {
    const now = this.now();
    let evicted = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAtMs <= now) {
        this.entries.delete(key);
        this.changes++;
        evicted++;
      }
    }
    return evicted;
  }

  /** Live (unexpired) entries. */
  *fresh(): IterableIterator<CachedQuote> {
    const now = this.now();
    for (const entry of this.entries.values()) if (entry.expiresAtMs > now) yield entry;
  }

  onUpdate(listener: CacheListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A cached quote's standing by its source's timestamp has changed: a new version, and the next such instant. */
  private passSourceAgeChange(): void {
    const now = this.now();
    this.changes++;
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.entries.values()) {
      const at = sourceAgeChangesAtMs(entry, now);
      if (at !== undefined && at < next) next = at;
    }
    this.sourceAgeCheckAtMs = next;
  }
}
