/**
 * A requested pair list, prepared once: its distinct pairs with their routes, every route's slot,
 * and the last body built for it. Oracle nodes ask for the same list every round: while the cache
 * has not changed (same version) and none of the list's quotes has expired, the answer is that same
 * body again, with no lookups, no aggregation, no serialisation and no new buffer.
 */
import type { QuoteSlot } from '../cache/quote-cache.js';
import { pairKey, type Pair, type SourceId } from '../sources/price-source.js';
import type { PairRoute } from './pair-routes.js';

/** One pair's part of a batch answer: its aggregate and that aggregate's JSON text. */
export interface BatchPart {
  readonly result: { readonly pair: string };
  readonly json: string;
}

/** When a body may be served again without looking anything up. */
export interface BodyValidity {
  /** The cache's version the body was built from. */
  readonly cacheVersion: number;
  /** The earliest expiry among the body's quotes. */
  readonly validUntilMs: number;
}

export class BatchList {
  /** Every route's slot, in order. */
  readonly slots: readonly QuoteSlot[];
  /** Cache lookups per source of one answer. */
  readonly lookupsPerSource: ReadonlyMap<SourceId, number>;
  private parts: readonly BatchPart[] = [];
  private kept: Buffer | undefined;
  private validity: BodyValidity | undefined;

  constructor(
    /** Distinct pairs, in the order asked. */
    readonly pairs: readonly Pair[],
    /** Each pair's routes, aligned with `pairs`. */
    readonly routes: ReadonlyArray<readonly PairRoute[]>,
    /** Whether every pair is configured (a list the oracle nodes ask every round). */
    readonly configured: boolean,
    /** Keys of the ad-hoc pairs over their budget: not served, and given no routes. */
    readonly refused: ReadonlySet<string> = new Set(),
  ) {
    this.slots = routes.flatMap((pairRoutes) => pairRoutes.map((r) => r.slot));
    const lookups = new Map<SourceId, number>();
    for (const { source } of this.slots) lookups.set(source, (lookups.get(source) ?? 0) + 1);
    this.lookupsPerSource = lookups;
  }

  /** The list's key: its distinct pairs in order. */
  static key(pairs: readonly Pair[]): string {
    return pairs.map(pairKey).join(',');
  }

  /** The last body, if it was built at `cacheVersion` and none of its quotes has expired at `nowMs`. */
  reusable(cacheVersion: number, nowMs: number): Buffer | undefined {
    const v = this.validity;
    return v && v.cacheVersion === cacheVersion && nowMs < v.validUntilMs ? this.kept : undefined;
  }

  /**
   * The body of `parts` (aligned with `pairs`): the last one again if every part is the very same
   * object (its `timestamp` is then when it was assembled). `validity` lets `reusable` return it.
   */
  body(parts: readonly BatchPart[], validity: BodyValidity | undefined): Buffer {
    this.validity = validity;
    if (this.kept && this.parts.length === parts.length && this.parts.every((p, i) => p === parts[i]))
      return this.kept;
    const pairs = parts.map(({ result, json }) => `${JSON.stringify(result.pair)}:${json}`).join(',');
    this.kept = Buffer.from(`{"timestamp":${JSON.stringify(new Date().toISOString())},"pairs":{${pairs}}}`);
    this.parts = parts;
    return this.kept;
  }
}
