import type { LatestTransmission } from './events.js';
import type { Scope } from './scope.js';
import type { OcrState } from './state.js';

/**
 * The feed guard (circuit breaker): an addition of ours to OCR1, off unless the feed configures
 * it. A median that trips it is never signed nor transmitted by this node, so with the guard on
 * every oracle (one configuration file) no report with it can be formed, and the feed holds its
 * last on-chain answer. Checked in `onShouldReportRead` (before signing, over every reason to
 * report, the heartbeat included) and again before accepting and before sending a report.
 */

const PPB = 1_000_000_000n;

/** configuration feeds[].guard, scaled to the feed's decimals. */
export interface AnswerGuard {
  /** Largest |median − last on-chain answer| / |last on-chain answer|, in parts per billion. */
  readonly maxChangePpb?: bigint;
  /** The median must lie within [min, max] (inclusive), in on-chain units. */
  readonly band?: { readonly min: bigint; readonly max: bigint };
}

export type GuardReason = 'max_change' | 'band';

export type GuardVerdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'trip'; readonly reason: GuardReason }
  /** The band passes, but max_change is configured and the on-chain answer could not be read. */
  | { readonly kind: 'unknown' };

/**
 * The last on-chain answer a median is compared with: `none` when the contract has none yet (a
 * fresh contract), `unreadable` when the read failed.
 */
export type GuardReference = bigint | 'none' | 'unreadable';

/** Why the feed is held, as long as it is. */
export interface GuardTrip {
  readonly reason: GuardReason;
  /** The newest median held back. */
  readonly median: bigint;
  /** The on-chain answer it was compared with, when known. */
  readonly lastAnswer?: bigint;
  /** When this node first held the feed for this reason. */
  readonly sinceMs: number;
}

/** |value − reference| / |reference| > maxPpb / 1e9, exactly; false from a zero reference (no relative change). */
export function changeExceeds(value: bigint, reference: bigint, maxPpb: bigint): boolean {
  if (reference === 0n) return false;
  const diff = value > reference ? value - reference : reference - value;
  const magnitude = reference < 0n ? -reference : reference;
  return diff * PPB > maxPpb * magnitude;
}

/**
 * The guard's verdict on a median. Without an on-chain answer yet (`none`) only the band is
 * checked, so a feed's first report passes on the band alone; a zero answer has no relative
 * change either. An `unreadable` answer cannot vouch for the change: `unknown` unless the band
 * already trips or no max change is configured.
 */
export function checkGuard(guard: AnswerGuard, median: bigint, reference: GuardReference): GuardVerdict {
  const { band, maxChangePpb } = guard;
  if (band && (median < band.min || median > band.max)) return { kind: 'trip', reason: 'band' };
  if (maxChangePpb === undefined || reference === 'none') return { kind: 'pass' };
  if (reference === 'unreadable') return { kind: 'unknown' };
  return changeExceeds(median, reference, maxChangePpb)
    ? { kind: 'trip', reason: 'max_change' }
    : { kind: 'pass' };
}

/** What the guard compares with, from a latestTransmissionDetails read (no answer yet: timestamp 0). */
export function guardReference(latest: LatestTransmission | 'timeout'): GuardReference {
  if (latest === 'timeout') return 'unreadable';
  return latest.timestampMs > 0 ? latest.answer : 'none';
}

/**
 * Checks a median with the instance's guard (none configured: it always goes on) and records a
 * trip in `state.guardTrip` (`sinceMs` kept while the reason stays). A pass clears the trip only
 * when `mayClear`: the follower's check of each round decides whether the feed is held; the
 * checks before transmitting only add trips. Returns the new state and, when the median is held,
 * why: the reason of a trip, or `unchecked` (the on-chain answer to compare with could not be read).
 */
export function applyGuard(
  state: OcrState,
  median: bigint,
  latest: LatestTransmission | 'timeout',
  scope: Scope,
  mayClear: boolean,
): { readonly state: OcrState; readonly held?: GuardReason | 'unchecked' } {
  const guard = state.config.guard;
  if (!guard) return { state };
  const reference = guardReference(latest);
  const verdict = checkGuard(guard, median, reference);
  const before = state.guardTrip;
  switch (verdict.kind) {
    case 'trip': {
      const guardTrip: GuardTrip = {
        reason: verdict.reason,
        median,
        ...(typeof reference === 'bigint' ? { lastAnswer: reference } : {}),
        sinceMs: before?.reason === verdict.reason ? before.sinceMs : scope.nowMs,
      };
      return { state: { ...state, guardTrip }, held: verdict.reason };
    }
    case 'unknown':
      return { state, held: 'unchecked' };
    case 'pass':
      return { state: mayClear && before ? { ...state, guardTrip: undefined } : state };
  }
}
