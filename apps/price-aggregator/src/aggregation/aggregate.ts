/**
 * Cross-source aggregation of one pair: a pure function of the quotes, the policy and the time.
 * Prices stay exact: decimal strings at the edges, scaled bigints inside.
 */
import { err, formatScaled, ok, parseDecimal, type Result, type ScaledDecimal } from '@oracle/core';
import type { SourceId } from '../sources/price-source.js';
import { staleAtSource } from './source-age.js';

export interface SourceQuote {
  readonly source: SourceId;
  /** Decimal string as the source reported it (normalised). */
  readonly price: string;
  readonly receivedAtMs: number;
  /** The quote may not be used at or after this instant (its cache TTL). */
  readonly expiresAtMs: number;
  /** The source's own timestamp of the price, epoch ms, when the source gives one. */
  readonly sourceTimestampMs?: number | undefined;
  /** How old `sourceTimestampMs` may be (`sources.<id>.maxSourceAgeMs`); see `staleAtSource`. */
  readonly maxSourceAgeMs?: number | undefined;
}

export interface AggregationPolicy {
  /** Agreeing fresh quotes needed to answer. */
  readonly minSources: number;
  /** Quotes further than this from the first median are rejected, in parts per billion. */
  readonly maxDeviationPpb: number;
}

/**
 * `stale`: past its cache expiry; `stale_at_source`: the source's own timestamp is older than the
 * source's bound, or too far ahead of our clock to be believed; `non_positive`; `outlier`.
 */
export type RejectionReason = 'stale' | 'stale_at_source' | 'non_positive' | 'outlier';

export interface RejectedQuote {
  readonly source: SourceId;
  readonly price: string;
  readonly reason: RejectionReason;
  /** The details where the reason alone does not tell them (`stale_at_source`: the timestamp, its age, the bound). */
  readonly message?: string;
}

export interface Aggregate {
  readonly price: string;
  readonly contributors: readonly SourceId[];
  readonly rejected: readonly RejectedQuote[];
}

export interface AggregateFailure {
  readonly message: string;
  readonly rejected: readonly RejectedQuote[];
}

const PPB = 1_000_000_000n;

/**
 * Drops stale quotes (past their cache expiry, or by their source's own timestamp: see
 * `staleAtSource`) and non-positive ones, requires `minSources`, takes the median, drops quotes
 * beyond `maxDeviationPpb` of it, requires `minSources` again and returns the median of the rest.
 * An even count yields the exact mean of the two middle values.
 */
export function aggregate(
  quotes: readonly SourceQuote[],
  policy: AggregationPolicy,
  nowMs: number,
): Result<Aggregate, AggregateFailure> {
  const rejected: RejectedQuote[] = [];
  const usable: Array<{ quote: SourceQuote; value: ScaledDecimal }> = [];
  for (const quote of quotes) {
    const value = parseDecimal(quote.price);
    const staleBySource = staleAtSource(quote, nowMs);
    if (quote.expiresAtMs <= nowMs)
      rejected.push({ source: quote.source, price: quote.price, reason: 'stale' });
    else if (staleBySource !== undefined)
      rejected.push({
        source: quote.source,
        price: quote.price,
        reason: 'stale_at_source',
        message: staleBySource,
      });
    else if (!value || value.units <= 0n)
      rejected.push({ source: quote.source, price: quote.price, reason: 'non_positive' });
    else usable.push({ quote, value });
  }
  const tooFew = (count: number): AggregateFailure => ({
    message: `${count} usable quote(s), ${policy.minSources} required`,
    rejected,
  });
  if (usable.length < policy.minSources || usable.length === 0) return err(tooFew(usable.length));

  const firstMedian = median(usable.map((u) => u.value));
  const agreeing = usable.filter(({ quote, value }) => {
    if (withinDeviation(value, firstMedian, policy.maxDeviationPpb)) return true;
    rejected.push({ source: quote.source, price: quote.price, reason: 'outlier' });
    return false;
  });
  if (agreeing.length < policy.minSources || agreeing.length === 0) return err(tooFew(agreeing.length));

  const final = median(agreeing.map((a) => a.value));
  return ok({
    price: formatScaled(final.units, final.scale),
    contributors: agreeing.map((a) => a.quote.source),
    rejected,
  });
}

/** Median of non-empty values; the mean of the two middle values for an even count, exactly. */
export function median(values: readonly ScaledDecimal[]): ScaledDecimal {
  const scale = Math.max(...values.map((v) => v.scale));
  const sorted = values.map((v) => rescale(v, scale)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid];
  if (upper === undefined) throw new RangeError('median of no values');
  if (sorted.length % 2 === 1) return { units: upper, scale };
  const sum = (sorted[mid - 1] as bigint) + upper;
  // sum / 2 = sum * 5 / 10: one more decimal digit keeps the halving exact.
  return sum % 2n === 0n ? { units: sum / 2n, scale } : { units: sum * 5n, scale: scale + 1 };
}

/** |value − reference| ≤ reference · ppb / 10⁹, in exact arithmetic. */
function withinDeviation(value: ScaledDecimal, reference: ScaledDecimal, ppb: number): boolean {
  const scale = Math.max(value.scale, reference.scale);
  const v = rescale(value, scale);
  const r = rescale(reference, scale);
  const diff = v > r ? v - r : r - v;
  return diff * PPB <= r * BigInt(ppb);
}

function rescale(value: ScaledDecimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}
