/**
 * Which registrations to refetch now: those without a live entry, and those whose entry is
 * inside its refetch lead (`staleTriggerBeforeExpiry` before expiry), unless a fetch is in flight
 * or spacing/backoff holds them back. Pure, for tests with an injected clock.
 */
import type { Pair, SourceId } from '../sources/price-source.js';
import type { Registration } from './pair-registry.js';
import type { CachedQuote, QuoteSlot } from './quote-cache.js';

export interface RefreshView {
  entry(slot: QuoteSlot): CachedQuote | undefined;
  leadMs(slot: QuoteSlot): number;
  inFlight(slot: QuoteSlot): boolean;
}

export interface RefreshPlan {
  readonly due: ReadonlyMap<SourceId, Pair[]>;
  /** When the earliest registration not due now becomes due. */
  readonly nextDueAtMs: number | undefined;
}

/**
 * When a registration should next be fetched: `leadMs` before its entry expires, or before the
 * entry turns stale at its source (`sources.<id>.maxSourceAgeMs`) if that comes first, so a quote
 * cached longer than its source's bound is replaced before aggregation would refuse it. A quote that
 * arrived stale already is refetched at its expiry only: asking sooner would not make the source fresher.
 */
export function refreshDueAtMs(
  registration: Registration,
  entry: CachedQuote | undefined,
  leadMs: number,
): number {
  if (!entry) return registration.notBeforeMs;
  const { sourceTimestampMs: stamped, maxSourceAgeMs: bound } = entry;
  const staleAtMs = stamped !== undefined && bound !== undefined ? stamped + bound : Number.POSITIVE_INFINITY;
  const usableUntilMs =
    staleAtMs > entry.receivedAtMs ? Math.min(entry.expiresAtMs, staleAtMs) : entry.expiresAtMs;
  return Math.max(registration.notBeforeMs, usableUntilMs - leadMs);
}

export function planRefresh(
  registrations: Iterable<Registration>,
  view: RefreshView,
  nowMs: number,
): RefreshPlan {
  const due = new Map<SourceId, Pair[]>();
  let nextDueAtMs: number | undefined;
  for (const r of registrations) {
    if (view.inFlight(r)) continue;
    const at = refreshDueAtMs(r, view.entry(r), view.leadMs(r));
    if (at <= nowMs) {
      const pairs = due.get(r.source);
      if (pairs) pairs.push(r.pair);
      else due.set(r.source, [r.pair]);
    } else if (nextDueAtMs === undefined || at < nextDueAtMs) {
      nextDueAtMs = at;
    }
  }
  return { due, nextDueAtMs };
}
