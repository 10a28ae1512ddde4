/**
 * The (source, pair) combinations the aggregator keeps warm. Configured pairs are registered at
 * start and never dropped; requested pairs are registered on first request and dropped after
 * `pairCleanup.inactiveTimeoutMs` without a request.
 */
import { Injectable } from '@nestjs/common';
import type { Pair, SourceError, SourceId } from '../sources/price-source.js';
import type { QuoteSlot } from './quote-cache.js';

export interface Registration extends QuoteSlot {
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

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

@Injectable()
export class PairRegistry {
  /** Records are updated in place: this runs for every pair of every request. */
  private readonly registrations = new Map<string, Mutable<Registration>>();
  private readonly listeners = new Set<RegistryListener>();

  /** Registers (source, pair) if new and records a request for it. */
  request(slot: QuoteSlot, nowMs: number, configured = false): Registration {
    const existing = this.registrations.get(slot.key);
    if (existing) {
      existing.configured ||= configured;
      existing.lastRequestAtMs = nowMs;
      return existing;
    }
    const registration: Mutable<Registration> = {
      source: slot.source,
      pair: slot.pair,
      key: slot.key,
      configured,
      registeredAtMs: nowMs,
      lastRequestAtMs: nowMs,
      notBeforeMs: nowMs,
      failures: 0,
      lastError: undefined,
    };
    this.registrations.set(slot.key, registration);
    for (const listener of this.listeners) listener.added(slot.source, [slot.pair]);
    return registration;
  }

  get(slot: QuoteSlot): Registration | undefined {
    return this.registrations.get(slot.key);
  }

  /** A fetch starts: no other starts before `notBeforeMs`. */
  fetchStarted(slot: QuoteSlot, notBeforeMs: number): void {
    const r = this.registrations.get(slot.key);
    if (r) r.notBeforeMs = Math.max(r.notBeforeMs, notBeforeMs);
  }

  /** A fetch ended; after a failure (`error`) the next waits until `retryAtMs`. */
  fetchFinished(slot: QuoteSlot, error: SourceError | undefined, retryAtMs: number): void {
    const r = this.registrations.get(slot.key);
    if (!r) return;
    r.lastError = error;
    if (!error) {
      r.failures = 0;
      return;
    }
    r.failures++;
    r.notBeforeMs = Math.max(r.notBeforeMs, retryAtMs);
  }

  /** The error of a recent failed fetch while its retry backoff lasts: asking again now is pointless. */
  recentFailure(slot: QuoteSlot, nowMs: number): SourceError | undefined {
    const r = this.get(slot);
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
}
