/**
 * The quote API's logic: one source's cached quote (the reference's `/quote/...`), and the
 * cross-source aggregate of many pairs at once (`/quotes/batch`). Cache first; misses are fetched
 * with a deadline; a source that is down is not waited for.
 */
import { isSourceId } from '@oracle/config';
import { err, ok } from '@oracle/core';
import { aggregate, type RejectionReason, type SourceQuote } from '../aggregation/aggregate.js';
import type { PairRegistry } from '../cache/pair-registry.js';
import { quoteSlot, type CachedQuote, type QuoteCache, type QuoteSlot } from '../cache/quote-cache.js';
import type { FetchOutcome, QuoteFetcher } from '../cache/quote-fetcher.js';
import type { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import {
  pairKey,
  type Pair,
  type SourceError,
  type SourceErrorKind,
  type SourceId,
} from '../sources/price-source.js';
import type { SourceCatalog, SourceSettings } from '../sources/source-catalog.js';
import type { SourceStatusBoard } from '../sources/source-status.js';
import type { PairRoute, PairRoutes } from './pair-routes.js';
import type { AdHocPairs } from './ad-hoc-pairs.js';
import { AggregateMemo } from './aggregate-memo.js';
import { BatchList, type BodyValidity } from './batch-list.js';
import { QuoteError } from './quote-error.js';

/** The reference's `/quote` answer; existing Chainlink job specs read `price`. */
export interface SourceQuoteResponse {
  readonly source: SourceId;
  readonly pair: readonly [string, string];
  readonly price: string;
  readonly receivedAt: string;
}

/** Why a source's quote is not in an aggregate: the aggregation's reasons, the source's error, or no quote yet. */
export type BatchRejectionReason = RejectionReason | 'source_down' | 'no_data' | SourceErrorKind;

export interface Rejection {
  readonly source: SourceId;
  readonly reason: BatchRejectionReason;
  readonly price?: string;
  readonly message?: string;
}

export interface PairSourceQuote {
  readonly source: SourceId;
  /** The pair as asked of this source (e.g. BTC/USDT on binance for BTC/USD). */
  readonly symbol: string;
  readonly price: string;
  readonly receivedAt: string;
}

export interface PairAggregateResponse {
  readonly pair: string;
  /** The aggregate price; absent when the pair could not be answered (see `error`). */
  readonly price?: string;
  readonly error?: string;
  readonly minSources: number;
  readonly contributors: readonly SourceId[];
  readonly rejected: readonly Rejection[];
  readonly quotes: readonly PairSourceQuote[];
}

export interface BatchResponse {
  readonly timestamp: string;
  readonly pairs: Record<string, PairAggregateResponse>;
}

export interface QuotesServiceDeps {
  readonly catalog: SourceCatalog;
  readonly routes: PairRoutes;
  readonly registry: PairRegistry;
  readonly cache: QuoteCache;
  readonly fetcher: QuoteFetcher;
  readonly status: SourceStatusBoard;
  readonly metrics: AggregatorMetrics;
  readonly adHoc: AdHocPairs;
  readonly requestTimeoutMs: number;
}

const TIMED_OUT = Symbol('timed out');

/** Prepared pair lists are kept for this many distinct lists; past that, the memory starts over. */
const MAX_LISTS = 256;

/** A pair's aggregate with its JSON text. */
interface SerializedAggregate {
  readonly result: PairAggregateResponse;
  readonly json: string;
}

/** What is known about one route of a pair during a request: its cached quote, or why there is none. */
type RouteOutcome = FetchOutcome | undefined;

/** Explains a route with neither a quote nor an error. */
type MissingQuote = (route: PairRoute) => Rejection;

export class QuotesService {
  /** Aggregates are recomputed only when one of their quotes changes or expires. */
  private readonly memo = new AggregateMemo<SerializedAggregate>();
  private readonly lists = new Map<string, BatchList>();

  constructor(private readonly deps: QuotesServiceDeps) {}

  /** Registers every configured pair at every one of its sources, so they are fetched and kept warm. */
  registerConfiguredPairs(): void {
    const now = Date.now();
    for (const pair of this.deps.routes.configuredPairs()) {
      for (const { slot } of this.deps.routes.routes(pair)) this.deps.registry.request(slot, now, true);
    }
  }

  /** One source's quote for a pair, from the cache or fetched now. Throws QuoteError. */
  async sourceQuote(sourceId: string, pair: Pair): Promise<SourceQuoteResponse> {
    const source = this.usableSource(sourceId);
    if (!source.http.supports(pair)) throw new QuoteError(404, `${source.id} cannot quote ${pairKey(pair)}`);
    const slot = quoteSlot(source.id, pair);
    const now = Date.now();
    if (!this.deps.registry.get(slot)?.configured && !this.deps.adHoc.admit(pairKey(pair), now))
      throw new QuoteError(429, this.deps.adHoc.refusal());
    this.deps.registry.request(slot, now);
    const cached = this.deps.cache.get(slot);
    (cached ? this.deps.metrics.cacheHits : this.deps.metrics.cacheMisses).inc({ source: source.id });
    if (cached) return toSourceQuoteResponse(cached);
    const recent = this.recentFailure(slot);
    if (recent) throw QuoteError.fromSource(recent);
    const outcome = await withDeadline(
      this.deps.fetcher.fetch(source, [pair], 'request').then(([first]) => first as FetchOutcome),
      this.deps.requestTimeoutMs,
    );
    if (outcome === TIMED_OUT) {
      throw new QuoteError(
        504,
        `${source.id} did not answer for ${pairKey(pair)} within ${this.deps.requestTimeoutMs} ms`,
      );
    }
    if (!outcome.ok) throw QuoteError.fromSource(outcome.error);
    return toSourceQuoteResponse(outcome.value);
  }

  /** The cross-source aggregate of each pair; one pair's failure never fails the others. */
  async batch(pairs: readonly Pair[]): Promise<BatchResponse> {
    const { aggregates } = await this.aggregates(this.batchList(pairs));
    return {
      timestamp: new Date().toISOString(),
      pairs: Object.fromEntries(aggregates.map(({ result }) => [result.pair, result])),
    };
  }

  /**
   * `pairs` (duplicates dropped) prepared for `batchBody`. A list of configured pairs only (what the
   * oracle nodes ask every round) is prepared once and the same object returned again. A list with
   * an ad-hoc pair is prepared anew for each request, its ad-hoc pairs admitted within their budget
   * (`AdHocPairs`) then and there, so no client can grow a memory here.
   */
  batchList(pairs: readonly Pair[]): BatchList {
    const unique = uniquePairs(pairs);
    if (!unique.every((pair) => this.deps.routes.isConfigured(pair))) return this.adHocList(unique);
    const key = BatchList.key(unique);
    let list = this.lists.get(key);
    if (!list) {
      if (this.lists.size >= MAX_LISTS) this.lists.clear();
      list = new BatchList(
        unique,
        unique.map((pair) => this.deps.routes.routes(pair)),
        true,
      );
      this.lists.set(key, list);
    }
    return list;
  }

  /** A list with ad-hoc pairs; those over the budget are refused, and cost no routes. */
  private adHocList(pairs: readonly Pair[]): BatchList {
    const now = Date.now();
    const refused = new Set<string>();
    const routes = pairs.map((pair) => {
      if (this.deps.routes.isConfigured(pair) || this.deps.adHoc.admit(pairKey(pair), now))
        return this.deps.routes.routes(pair);
      refused.add(pairKey(pair));
      return [];
    });
    return new BatchList(pairs, routes, false, refused);
  }

  /**
   * `batch` as a JSON body, assembled from each pair's serialised aggregate; the same body again while
   * none of the aggregates changed (its `timestamp` is then when they were assembled). While the
   * cache has not changed at all, that body is served without looking anything up.
   */
  async batchBody(list: BatchList): Promise<Buffer> {
    const kept = this.keptBatchBody(list);
    if (kept) return kept;
    const { aggregates, validity } = await this.aggregates(list);
    return list.body(aggregates, validity);
  }

  /**
   * `batchBody` when it can be served again without looking anything up (recording the request and
   * its cache hits as `batchBody` does); undefined otherwise.
   */
  keptBatchBody(list: BatchList): Buffer | undefined {
    const now = Date.now();
    const kept = list.reusable(this.deps.cache.version, now);
    if (!kept) return undefined;
    for (const slot of list.slots) this.deps.registry.request(slot, now);
    for (const [source, n] of list.lookupsPerSource) this.deps.metrics.cacheHits.inc({ source }, n);
    return kept;
  }

  /** The aggregate of a pair from what is cached right now, without fetching (the WS feed, health). */
  cachedAggregate(pair: Pair): PairAggregateResponse {
    const routes = this.deps.routes.routes(pair);
    const now = Date.now();
    const outcomes = routes.map(({ slot }): RouteOutcome => {
      const entry = this.deps.cache.get(slot, now);
      return entry ? ok(entry) : undefined;
    });
    return this.aggregatePair(pair, routes, outcomes, (route) => this.notCached(route));
  }

  /**
   * Looks every route of every pair up in the cache (registering it) and aggregates each pair.
   * Configured pairs are answered from the cache as it is: the refresh scheduler keeps them warm,
   * and no caller of theirs ever waits for a source. Ad-hoc pairs are admitted within their budget
   * (`AdHocPairs`), and the misses of their sources that are up are fetched within the request
   * deadline; the routes are then looked up again, so every quote is judged when the answer is
   * made. `validity` is given when every route was a cache hit: the aggregates then hold until the
   * cache changes or a quote expires.
   */
  private async aggregates(
    list: BatchList,
  ): Promise<{ aggregates: SerializedAggregate[]; validity: BodyValidity | undefined }> {
    const now = Date.now();
    const plans = list.pairs.map((pair, i) => {
      const routes = list.routes[i] ?? [];
      const admitted = !list.refused.has(pairKey(pair));
      return { pair, routes, admitted, outcomes: new Array<RouteOutcome>(routes.length) };
    });
    let validUntilMs = Number.POSITIVE_INFINITY;
    let allHits = true;
    const misses = new Map<SourceId, { source: SourceSettings; slots: QuoteSlot[] }>();
    const asked = new Set<string>();
    const lookups = new Lookups();
    for (const { routes, admitted, outcomes } of plans) {
      if (!admitted) continue;
      routes.forEach(({ source, slot }, i) => {
        const registration = this.deps.registry.request(slot, now);
        const entry = this.deps.cache.get(slot, now);
        lookups.count(source.id, entry !== undefined);
        if (entry) validUntilMs = Math.min(validUntilMs, entry.expiresAtMs);
        else allHits = false;
        const recent = entry ? undefined : this.recentFailure(slot);
        outcomes[i] = entry ? ok(entry) : recent ? err(recent) : undefined;
        if (entry || recent || registration.configured || !this.deps.status.isAvailable(source.id)) return;
        const miss = misses.get(source.id) ?? { source, slots: [] };
        miss.slots.push(slot);
        misses.set(source.id, miss);
        asked.add(slot.key);
      });
    }
    lookups.record(this.deps.metrics);
    const validity = allHits ? { cacheVersion: this.deps.cache.version, validUntilMs } : undefined;
    if (misses.size > 0) {
      const fetched = await this.fetchWithDeadline([...misses.values()]);
      const later = Date.now();
      for (const { routes, admitted, outcomes } of plans) {
        if (!admitted) continue;
        routes.forEach(({ slot }, i) => {
          const entry = this.deps.cache.get(slot, later);
          const failed = fetched.get(slot.key) ?? (outcomes[i]?.ok ? undefined : outcomes[i]);
          outcomes[i] = entry ? ok(entry) : failed?.ok === false ? failed : undefined;
        });
      }
    }
    const missing: MissingQuote = (route) =>
      asked.has(route.slot.key) && this.deps.status.isAvailable(route.source.id)
        ? {
            source: route.source.id,
            reason: 'timeout',
            message: `no answer from ${route.source.id} within ${this.deps.requestTimeoutMs} ms`,
          }
        : this.notCached(route);
    this.memo.sweep(now);
    const aggregates = plans.map(({ pair, routes, admitted, outcomes }) => {
      if (!admitted) {
        const result = this.refusedPair(pair);
        return { result, json: JSON.stringify(result) };
      }
      const quotes = quotesOf(outcomes);
      const key = pairKey(pair);
      const reused = quotes && this.memo.get(key, quotes, Date.now());
      if (reused) return reused;
      const result = this.aggregatePair(pair, routes, outcomes, missing);
      for (const r of result.rejected)
        this.deps.metrics.aggregateRejected.inc({ source: r.source, reason: r.reason });
      const serialized = { result, json: JSON.stringify(result) };
      if (quotes) this.memo.set(key, quotes, serialized);
      return serialized;
    });
    return { aggregates, validity };
  }

  /** The answer for an ad-hoc pair over its budget: nothing registered, nothing fetched. */
  private refusedPair(pair: Pair): PairAggregateResponse {
    const policy = this.deps.routes.policy(pair);
    return {
      pair: pairKey(pair),
      minSources: policy.minSources,
      rejected: [],
      quotes: [],
      error: this.deps.adHoc.refusal(),
      contributors: [],
    };
  }

  /** Why a route has no quote when none was asked for: its source is down, or it has none yet. */
  private notCached({ source }: PairRoute): Rejection {
    return this.deps.status.isAvailable(source.id)
      ? { source: source.id, reason: 'no_data', message: `no fresh quote from ${source.id}` }
      : { source: source.id, reason: 'source_down', message: `${source.id} is down` };
  }

  /** Aggregates a pair from each route's quote or error (aligned with `routes`); `missing` explains a route with neither. */
  private aggregatePair(
    pair: Pair,
    routes: readonly PairRoute[],
    outcomes: readonly RouteOutcome[],
    missing: MissingQuote,
  ): PairAggregateResponse {
    const policy = this.deps.routes.policy(pair);
    const quotes: PairSourceQuote[] = [];
    const inputs: SourceQuote[] = [];
    const rejected: Rejection[] = [];
    routes.forEach((route, i) => {
      const { source, symbol } = route;
      const outcome = outcomes[i];
      if (outcome?.ok) {
        const entry = outcome.value;
        const receivedAt = new Date(entry.receivedAtMs).toISOString();
        quotes.push({ source: source.id, symbol: pairKey(symbol), price: entry.price, receivedAt });
        inputs.push({
          source: source.id,
          price: entry.price,
          receivedAtMs: entry.receivedAtMs,
          expiresAtMs: entry.expiresAtMs,
          sourceTimestampMs: entry.sourceTimestampMs,
          maxSourceAgeMs: entry.maxSourceAgeMs,
        });
      } else {
        rejected.push(
          outcome
            ? { source: source.id, reason: outcome.error.kind, message: outcome.error.message }
            : missing(route),
        );
      }
    });
    const result = aggregate(inputs, policy, Date.now());
    rejected.push(...(result.ok ? result.value.rejected : result.error.rejected));
    const base = { pair: pairKey(pair), minSources: policy.minSources, rejected, quotes };
    if (routes.length === 0)
      return { ...base, error: `no enabled source can quote ${pairKey(pair)}`, contributors: [] };
    return result.ok
      ? { ...base, price: result.value.price, contributors: result.value.contributors }
      : { ...base, error: result.error.message, contributors: [] };
  }

  /** Fetches the misses of every source in parallel; whatever has not answered by the deadline is left out. */
  private async fetchWithDeadline(
    misses: ReadonlyArray<{ source: SourceSettings; slots: readonly QuoteSlot[] }>,
  ): Promise<Map<string, FetchOutcome>> {
    const fetched = new Map<string, FetchOutcome>();
    const all = Promise.all(
      misses.map(async ({ source, slots }) => {
        const outcomes = await this.deps.fetcher.fetch(
          source,
          slots.map((s) => s.pair),
          'request',
        );
        slots.forEach((slot, i) => fetched.set(slot.key, outcomes[i] as FetchOutcome));
      }),
    );
    await withDeadline(all, this.deps.requestTimeoutMs);
    return new Map(fetched); // a snapshot: answers arriving after the deadline only fill the cache
  }

  /** A failure so recent that its retry backoff still runs (and no fetch is under way to join). */
  private recentFailure(slot: QuoteSlot): SourceError | undefined {
    if (this.deps.fetcher.inFlight(slot)) return undefined;
    return this.deps.registry.recentFailure(slot, Date.now());
  }

  private usableSource(sourceId: string): SourceSettings {
    const source = isSourceId(sourceId) ? this.deps.catalog.get(sourceId) : undefined;
    if (!source) throw new QuoteError(400, `unknown source ${JSON.stringify(sourceId)}`);
    if (!source.enabled) throw new QuoteError(400, source.disabledReason ?? `${source.id} is disabled`);
    return source;
  }
}

/** Cache hits and misses of one request, counted per source and recorded once. */
class Lookups {
  private readonly hits = new Map<SourceId, number>();
  private readonly misses = new Map<SourceId, number>();

  count(source: SourceId, hit: boolean): void {
    const counts = hit ? this.hits : this.misses;
    counts.set(source, (counts.get(source) ?? 0) + 1);
  }

  record(metrics: AggregatorMetrics): void {
    for (const [source, n] of this.hits) metrics.cacheHits.inc({ source }, n);
    for (const [source, n] of this.misses) metrics.cacheMisses.inc({ source }, n);
  }
}

/** Every route's quote, or undefined if any route has none. */
function quotesOf(outcomes: readonly RouteOutcome[]): CachedQuote[] | undefined {
  const quotes: CachedQuote[] = [];
  for (const outcome of outcomes) {
    if (!outcome?.ok) return undefined;
    quotes.push(outcome.value);
  }
  return quotes;
}

function toSourceQuoteResponse(entry: CachedQuote): SourceQuoteResponse {
  return {
    source: entry.source,
    pair: [entry.pair.base, entry.pair.quote],
    price: entry.price,
    receivedAt: new Date(entry.receivedAtMs).toISOString(),
  };
}

function uniquePairs(pairs: readonly Pair[]): Pair[] {
  return [...new Map(pairs.map((p) => [pairKey(p), p])).values()];
}

async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
