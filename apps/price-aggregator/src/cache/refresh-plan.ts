/**
 * Which registrations to refetch now: those without a live entry, and those whose entry is
 * inside its refetch lead (`staleTriggerBeforeExpiry` before expiry), unless a fetch is in flight
 * or spacing/backoff holds them back. A source with anything due also takes every registration of
 * its own that falls due within the merge window (and is not held back), so one refresh round
 * leaves as the fewest requests the source allows instead of a few batches tens of ms apart.
 * Pure, for tests with an injected clock.
 */
import type { Pair, SourceId } from '../sources/price-source.js';
import type { Registration } from './pair-registry.js';
import type { CachedQuote, QuoteSlot } from './quote-cache.js';

export interface RefreshView {
  entry(slot: QuoteSlot): CachedQuote | undefined;
  leadMs(slot: QuoteSlot): number;
  inFlight(slot: QuoteSlot): boolean;
}

/**
 * How far ahead of its time a registration is refetched to share its source's request: half its
 * refetch lead, at most MAX_MERGE_WINDOW_MS. Fetched early by that much, an entry still has at
 * least its lead left, and it stays in step with the others from then on.
 */
export const MAX_MERGE_WINDOW_MS = 1_000;

export const mergeWindowMs = (leadMs: number): number =>
  Math.min(MAX_MERGE_WINDOW_MS, Math.floor(leadMs / 2));

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
  /** The rest, by source: when each is due, and whether it may go now with others of its source. */
  const later = new Map<SourceId, Array<{ pair: Pair; at: number; early: boolean }>>();
  for (const r of registrations) {
    if (view.inFlight(r)) continue;
    const leadMs = view.leadMs(r);
    const at = refreshDueAtMs(r, view.entry(r), leadMs);
    if (at <= nowMs) {
      const pairs = due.get(r.source);
      if (pairs) pairs.push(r.pair);
      else due.set(r.source, [r.pair]);
      continue;
    }
    const early = r.notBeforeMs <= nowMs && at - mergeWindowMs(leadMs) <= nowMs;
    const items = later.get(r.source);
    if (items) items.push({ pair: r.pair, at, early });
    else later.set(r.source, [{ pair: r.pair, at, early }]);
  }
  let nextDueAtMs: number | undefined;
  for (const [source, items] of later) {
    const pairs = due.get(source);
    for (const { pair, at, early } of items) {
      if (pairs && early) pairs.push(pair);
      else if (nextDueAtMs === undefined || at < nextDueAtMs) nextDueAtMs = at;
    }
  }
  return { due, nextDueAtMs };
}
