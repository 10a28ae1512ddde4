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

/** When a registration should next be fetched. */
export function refreshDueAtMs(
  registration: Registration,
  entry: CachedQuote | undefined,
  leadMs: number,
): number {
  return Math.max(registration.notBeforeMs, entry ? entry.expiresAtMs - leadMs : registration.notBeforeMs);
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
