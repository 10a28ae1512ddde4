/**
 * The (source, pair) combinations the aggregator keeps warm. Configured pairs are registered at
 * start and never dropped; requested pairs are registered on first request and dropped after
 * `pairCleanup.inactiveTimeoutMs` without a request.
 */
import type { Pair, SourceError, SourceId } from '../sources/price-source.js';
import { cacheKey } from './quote-cache.js';

export interface Registration {
  readonly source: SourceId;
  readonly pair: Pair;
  readonly configured: boolean;
  readonly registeredAtMs: number;
  readonly lastRequestAtMs: number;
  /** No fetch of this registration starts before this instant (spacing and failure backoff). */
  readonly notBeforeMs: number;
  /** Consecutive failed fetches. */
  readonly failures: number;
  /** The error of the latest fetch, when it failed. */
  readonly lastError: SourceError | undefined;
}

export interface RegistryListener {
  added(source: SourceId, pairs: readonly Pair[]): void;
  removed(source: SourceId, pairs: readonly Pair[]): void;
}

export class PairRegistry {
  private readonly registrations = new Map<string, Registration>();
  private readonly listeners = new Set<RegistryListener>();

  /** Registers (source, pair) if new and records a request for it. */
  request(source: SourceId, pair: Pair, nowMs: number, configured = false): Registration {
    const key = cacheKey(source, pair);
    const existing = this.registrations.get(key);
    const registration: Registration = existing
      ? { ...existing, configured: existing.configured || configured, lastRequestAtMs: nowMs }
      : {
          source,
          pair,
          configured,
          registeredAtMs: nowMs,
          lastRequestAtMs: nowMs,
          notBeforeMs: nowMs,
          failures: 0,
          lastError: undefined,
        };
    this.registrations.set(key, registration);
    if (!existing) for (const listener of this.listeners) listener.added(source, [pair]);
    return registration;
  }

  get(source: SourceId, pair: Pair): Registration | undefined {
    return this.registrations.get(cacheKey(source, pair));
  }

  /** A fetch starts: no other starts before `notBeforeMs`. */
  fetchStarted(source: SourceId, pair: Pair, notBeforeMs: number): void {
    this.update(source, pair, (r) => ({ ...r, notBeforeMs: Math.max(r.notBeforeMs, notBeforeMs) }));
  }

  /** A fetch ended; after a failure (`error`) the next waits until `retryAtMs`. */
  fetchFinished(source: SourceId, pair: Pair, error: SourceError | undefined, retryAtMs: number): void {
    this.update(source, pair, (r) =>
      error
        ? {
            ...r,
            failures: r.failures + 1,
            lastError: error,
            notBeforeMs: Math.max(r.notBeforeMs, retryAtMs),
          }
        : { ...r, failures: 0, lastError: undefined },
    );
  }

  /** The error of a recent failed fetch while its retry backoff lasts: asking again now is pointless. */
  recentFailure(source: SourceId, pair: Pair, nowMs: number): SourceError | undefined {
    const r = this.get(source, pair);
    return r?.lastError && r.notBeforeMs > nowMs ? r.lastError : undefined;
  }

  all(): IterableIterator<Registration> {
    return this.registrations.values();
  }

  forSource(source: SourceId): Registration[] {
    return [...this.registrations.values()].filter((r) => r.source === source);
  }

  get size(): number {
    return this.registrations.size;
  }

  /** Drops requested (not configured) registrations idle since before `nowMs − inactiveMs`. */
  removeInactive(nowMs: number, inactiveMs: number): Registration[] {
    const removed = [...this.registrations.entries()].filter(
      ([, r]) => !r.configured && r.lastRequestAtMs < nowMs - inactiveMs,
    );
    for (const [key] of removed) this.registrations.delete(key);
    const bySource = new Map<SourceId, Pair[]>();
    for (const [, r] of removed) bySource.set(r.source, [...(bySource.get(r.source) ?? []), r.pair]);
    for (const [source, pairs] of bySource)
      for (const listener of this.listeners) listener.removed(source, pairs);
    return removed.map(([, r]) => r);
  }

  subscribe(listener: RegistryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private update(source: SourceId, pair: Pair, change: (r: Registration) => Registration): void {
    const key = cacheKey(source, pair);
    const existing = this.registrations.get(key);
    if (existing) this.registrations.set(key, change(existing));
  }
}
