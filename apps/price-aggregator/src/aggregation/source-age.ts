/**
 * A quote's age by its source's own clock (`sourceTimestampMs`, the exchange's timestamp of the
 * price) against its bound (`sources.<id>.maxSourceAgeMs`). Pure: the aggregation, the cache and the
 * aggregate memo judge a quote the same way at the same instant.
 *
 * A quote is stale at its source from `sourceTimestampMs + maxSourceAgeMs` on. A timestamp more
 * than MAX_SOURCE_CLOCK_AHEAD_MS ahead of this process's clock is not believed either: it says
 * nothing about the price's age (a clock set wrong, a misread unit), so it does not show the quote
 * fresh; it is judged again once this clock is within that distance. A quote without a timestamp,
 * or without a bound, is never stale at its source.
 */

/** How far a source's timestamp may run ahead of this process's clock (skew between two NTP-synced clocks is far smaller). */
export const MAX_SOURCE_CLOCK_AHEAD_MS = 60_000;

/** What source-age judgement needs of a quote. */
export interface SourceStamped {
  readonly source: string;
  readonly sourceTimestampMs?: number | undefined;
  readonly maxSourceAgeMs?: number | undefined;
}

/** Why the quote's own timestamp disqualifies it at `nowMs`, or undefined when it does not. */
export function staleAtSource(quote: SourceStamped, nowMs: number): string | undefined {
  const { sourceTimestampMs: stamped, maxSourceAgeMs: bound } = quote;
  if (stamped === undefined || bound === undefined) return undefined;
  const at = new Date(stamped).toISOString();
  if (nowMs < stamped - MAX_SOURCE_CLOCK_AHEAD_MS)
    return `${quote.source}'s timestamp ${at} is ${formatDuration(stamped - nowMs)} ahead of this clock (at most ${formatDuration(MAX_SOURCE_CLOCK_AHEAD_MS)} is believed)`;
  if (nowMs >= stamped + bound)
    return `${quote.source}'s timestamp ${at} is ${formatDuration(nowMs - stamped)} old (bound ${formatDuration(bound)})`;
  return undefined;
}

/**
 * The first instant after `nowMs` at which `staleAtSource` may judge the quote differently (it turns
 * stale, or a timestamp ahead of the clock comes within reach); undefined when none will.
 */
export function sourceAgeChangesAtMs(quote: SourceStamped, nowMs: number): number | undefined {
  const { sourceTimestampMs: stamped, maxSourceAgeMs: bound } = quote;
  if (stamped === undefined || bound === undefined) return undefined;
  const believed = stamped - MAX_SOURCE_CLOCK_AHEAD_MS;
  if (believed > nowMs) return believed;
  const stale = stamped + bound;
  return stale > nowMs ? stale : undefined;
}

/** 850 ms, 42 s, 2.5 min, 3.2 h, 2 d: one unit, at most one decimal. */
export function formatDuration(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) {
    // Two of a unit before switching to it: 90 s, not 1.5 min; 36 h, not 1.5 d.
    if (ms >= 2 * size || (unit === 's' && ms >= size)) return `${Math.round((ms / size) * 10) / 10} ${unit}`;
  }
  return `${Math.round(ms)} ms`;
}
