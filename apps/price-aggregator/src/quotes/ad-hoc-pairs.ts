/**
 * Admission of ad-hoc pairs: pairs asked for that no `pairs[]` entry or feed configures. They are
 * served (registered, fetched, kept warm) only within a budget, so no client can make the
 * aggregator register an unbounded number of pairs on every source and crowd the feeds out:
 * at most `maxPairs` at a time, at most `maxNewPairsPerMinute` new ones (a token bucket with a
 * burst of one minute's worth). A pair stops counting after `inactiveMs` without a request, the
 * same time after which its registrations are dropped (`pairCleanup.inactiveTimeoutMs`).
 */
import { Inject, Injectable } from '@nestjs/common';
import type { AggregatorConfig } from '@oracle/config';
import { Clock } from '../clock.js';
import { AGGREGATOR_CONFIG } from '../config/config.tokens.js';

export interface AdHocLimits {
  readonly maxPairs: number;
  readonly maxNewPairsPerMinute: number;
  /** After this long without a request a pair no longer counts; Infinity when pairs are never dropped. */
  readonly inactiveMs: number;
}

/** The limits of `adHocPairs`, with pairs counting as long as `pairCleanup` keeps them registered. */
export function adHocLimits({
  adHocPairs,
  pairCleanup,
}: Pick<AggregatorConfig, 'adHocPairs' | 'pairCleanup'>): AdHocLimits {
  return {
    maxPairs: adHocPairs.maxPairs,
    maxNewPairsPerMinute: adHocPairs.maxNewPairsPerMinute,
    inactiveMs: pairCleanup.enabled ? pairCleanup.inactiveTimeoutMs : Number.POSITIVE_INFINITY,
  };
}

@Injectable()
export class AdHocPairs {
  /** Pair key → time of its latest request. */
  private readonly lastRequestMs = new Map<string, number>();
  private readonly limits: AdHocLimits;
  private tokens: number;
  private refilledAtMs: number;

  constructor(
    @Inject(AGGREGATOR_CONFIG) config: Pick<AggregatorConfig, 'adHocPairs' | 'pairCleanup'>,
    @Inject(Clock) clock: Pick<Clock, 'now'>,
  ) {
    this.limits = adHocLimits(config);
    this.tokens = this.limits.maxNewPairsPerMinute;
    this.refilledAtMs = clock.now();
  }

  /** Whether the pair may be served now; an admitted pair's request is recorded. */
  admit(key: string, nowMs: number): boolean {
    if (this.lastRequestMs.has(key)) {
      this.lastRequestMs.set(key, nowMs);
      return true;
    }
    if (this.lastRequestMs.size >= this.limits.maxPairs) this.sweep(nowMs);
    if (this.lastRequestMs.size >= this.limits.maxPairs) return false;
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    this.lastRequestMs.set(key, nowMs);
    return true;
  }

  /** Ad-hoc pairs served now. */
  get size(): number {
    return this.lastRequestMs.size;
  }

  /** Why a pair was not admitted, for its answer. */
  refusal(): string {
    return this.lastRequestMs.size >= this.limits.maxPairs
      ? `not served: ${this.limits.maxPairs} ad-hoc pairs are in use (priceAggregatorConfig.adHocPairs.maxPairs); configure the pair in pairs[] to have it served`
      : `not served: more than ${this.limits.maxNewPairsPerMinute} new ad-hoc pairs in a minute (priceAggregatorConfig.adHocPairs.maxNewPairsPerMinute); ask again later`;
  }

  private refill(nowMs: number): void {
    const perMs = this.limits.maxNewPairsPerMinute / 60_000;
    this.tokens = Math.min(
      this.limits.maxNewPairsPerMinute,
      this.tokens + (nowMs - this.refilledAtMs) * perMs,
    );
    this.refilledAtMs = nowMs;
  }

  /** Forgets the pairs nobody asked for within `inactiveMs` (run only when every place is taken). */
  private sweep(nowMs: number): void {
    for (const [key, at] of this.lastRequestMs)
      if (nowMs - at >= this.limits.inactiveMs) this.lastRequestMs.delete(key);
  }
}
