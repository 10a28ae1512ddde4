/**
 * Latest quote per (source, pair), each with its own expiry. An entry is never served at or past
 * its expiry: reading it evicts it. Listeners hear about every write (REST or stream).
 */
import { pairKey, type Pair, type SourceId, type SourcePrice } from '../sources/price-source.js';

export interface CachedQuote {
  readonly source: SourceId;
  readonly pair: Pair;
  readonly price: string;
  readonly receivedAtMs: number;
  readonly expiresAtMs: number;
  readonly sourceTimestampMs?: number;
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

export class QuoteCache {
  private readonly entries = new Map<string, CachedQuote>();
  private readonly listeners = new Set<CacheListener>();
  private changes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Changes with every write and removal: whatever was built from the cache at one version still holds while it stays. */
  get version(): number {
    return this.changes;
  }

  put(source: SourceId, quote: SourcePrice, ttlMs: number, via: CachedQuote['via']): CachedQuote {
    const receivedAtMs = this.now();
    const entry: CachedQuote = {
      source,
      pair: quote.pair,
      price: quote.price,
      receivedAtMs,
      expiresAtMs: receivedAtMs + ttlMs,
      ...(quote.sourceTimestampMs === undefined ? {} : { sourceTimestampMs: quote.sourceTimestampMs }),
      via,
    };
    this.entries.set(cacheKey(source, quote.pair), entry);
    this.changes++;
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
}
