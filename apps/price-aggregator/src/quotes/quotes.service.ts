/**
 * The quote API's logic: one source's cached quote (the reference's `/quote/...`), and the
 * cross-source aggregate of many pairs at once (`/quotes/batch`). Cache first; misses are fetched
 * with a deadline; a source that is down is not waited for.
 */
import { Inject, Injectable } from '@nestjs/common';
import { isSourceId, type AggregatorConfig } from '@oracle/config';
import { err, ok } from '@oracle/core';
import { aggregate, type RejectionReason, type SourceQuote } from '../aggregation/aggregate.js';
import { PairRegistry, type Registration } from '../cache/pair-registry.js';
import { quoteSlot, QuoteCache, type CachedQuote, type QuoteSlot } from '../cache/quote-cache.js';
import { QuoteFetcher, type FetchOutcome } from '../cache/quote-fetcher.js';
import { Clock } from '../clock.js';
import { AGGREGATOR_CONFIG } from '../config/config.tokens.js';
import { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import {
  pairKey,
  type Pair,
  type SourceError,
  type SourceErrorKind,
  type SourceId,
} from '../sources/price-source.js';
import { SourceCatalog, type SourceSettings } from '../sources/source-catalog.js';
import { SourceStatusBoard } from '../sources/source-status.js';
import { PairRoutes, type PairRoute } from './pair-routes.js';
import { AdHocPairs } from './ad-hoc-pairs.js';
import { AggregateMemo } from './aggregate-memo.js';
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

/** One registered (source, symbol) and what is cached for it (`GET /quote/pairs/...`). */
export interface RegisteredPair {
  readonly source: SourceId;
  /** The symbol as asked of the source, e.g. "BTC/USDT". */
  readonly pair: string;
  /** Registered from the configuration (kept warm for good) rather than by a request. */
  readonly configured: boolean;
  readonly registeredAt: string;
  readonly lastRequestAt: string;
  /** The cached quote, absent when none is live. */
  readonly quote?: {
    readonly price: string;
    readonly receivedAt: string;
    readonly expiresAt: string;
    readonly via: 'rest' | 'stream';
    /** The source's own timestamp of the price, where it gives one. */
    readonly sourceTimestamp?: string;
  };
  /** The error of the latest fetch, when it failed. */
  readonly lastError?: { readonly kind: SourceErrorKind; readonly message: string };
}

export interface RegisteredPairsResponse {
  readonly timestamp: string;
  readonly sources: Partial<Record<SourceId, readonly RegisteredPair[]>>;
}

export interface SourcePairsResponse {
  readonly timestamp: string;
  readonly source: SourceId;
  readonly pairs: readonly RegisteredPair[];
}

interface DepsOfQuotes {
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

/** A pair's aggregate with its `"pair":{…}` member of a batch body, serialised once. */
interface SerializedAggregate {
  readonly result: PairAggregateResponse;
  readonly member: string;
}

const serialized = (result: PairAggregateResponse): SerializedAggregate => ({
  result,
  member: `${JSON.stringify(result.pair)}:${JSON.stringify(result)}`,
});

/** What is known about one route of a pair during a request: its cached quote, or why there is none. */
type RouteOutcome = FetchOutcome | undefined;

/** Explains a route with neither a quote nor an error. */
type MissingQuote = (route: PairRoute) => Rejection;

@Injectable()
export class QuotesService {
  /** Aggregates are recomputed (and serialised) only when one of their quotes changes or expires. */
  private readonly memo = new AggregateMemo<SerializedAggregate>();
  private readonly deps: DepsOfQuotes;

  constructor(
    @Inject(SourceCatalog) catalog: SourceCatalog,
    @Inject(PairRoutes) routes: PairRoutes,
    @Inject(PairRegistry) registry: PairRegistry,
    @Inject(QuoteCache) cache: QuoteCache,
    @Inject(QuoteFetcher) fetcher: QuoteFetcher,
    @Inject(SourceStatusBoard) status: SourceStatusBoard,
    @Inject(AggregatorMetrics) metrics: AggregatorMetrics,
    @Inject(AdHocPairs) adHoc: AdHocPairs,
    @Inject(AGGREGATOR_CONFIG) config: Pick<AggregatorConfig, 'quotes'>,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.deps = {
      catalog,
      routes,
      registry,
      cache,
      fetcher,
      status,
      metrics,
      adHoc,
      requestTimeoutMs: config.quotes.requestTimeoutMs,
    };
  }

  /** Registers every configured pair at every one of its sources, so they are fetched and kept warm. */
  registerConfiguredPairs(): void {
    const now = this.clock.now();
    for (const pair of this.deps.routes.configuredPairs()) {
      for (const { slot } of this.deps.routes.routes(pair)) this.deps.registry.request(slot, now, true);
    }
  }

  /** One source's quote for a pair, from the cache or fetched now. Throws QuoteError. */
  async sourceQuote(sourceId: string, pair: Pair): Promise<SourceQuoteResponse> {
    const source = this.usableSource(sourceId);
    if (!source.http.supports(pair)) throw new QuoteError(404, `${source.id} cannot quote ${pairKey(pair)}`);
    const slot = quoteSlot(source.id, pair);
    const now = this.clock.now();
    if (!this.deps.registry.get(slot)?.configured && !this.deps.adHoc.admit(pairKey(pair), now))
      throw new QuoteError(429, this.deps.adHoc.refusal());
    this.deps.registry.request(slot, now);
    const cached = this.deps.cache.get(slot, now);
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

  /**
   * The cross-source aggregate of each pair (duplicates dropped); one pair's failure never fails
   * the others. Ad-hoc pairs are admitted within their budget (`AdHocPairs`) then and there; a
   * pair over it is answered with its refusal and costs nothing.
   */
  async batch(pairs: readonly Pair[]): Promise<BatchResponse> {
    const aggregates = await this.aggregates(uniquePairs(pairs));
    return {
      timestamp: this.clock.iso(),
      pairs: Object.fromEntries(aggregates.map(({ result }) => [result.pair, result])),
    };
  }

  /**
   * `batch` as its JSON text, joined from each pair's memoised serialisation: a 100-pair answer
   * then allocates little more than its own text, which keeps the run script's small young
   * generation from collecting several times per answer (measured: see docs/adr/0001).
   */
  async batchJson(pairs: readonly Pair[]): Promise<string> {
    const aggregates = await this.aggregates(uniquePairs(pairs));
    const members = aggregates.map(({ member }) => member).join(',');
    return `{"timestamp":${JSON.stringify(this.clock.iso())},"pairs":{${members}}}`;
  }

  /** Every registered (source, symbol) with its cached quote, by source (`GET /quote/pairs/all`). */
  registeredPairs(): RegisteredPairsResponse {
    const now = this.clock.now();
    const sources: Partial<Record<SourceId, RegisteredPair[]>> = {};
    for (const registration of this.deps.registry.all())
      (sources[registration.source] ??= []).push(this.describeRegistration(registration, now));
    for (const list of Object.values(sources)) list.sort(byPair);
    return { timestamp: new Date(now).toISOString(), sources };
  }

  /** One source's registered symbols with their cached quotes (`GET /quote/pairs/:source`). Throws QuoteError. */
  sourcePairs(sourceId: string): SourcePairsResponse {
    const source = this.usableSource(sourceId);
    const now = this.clock.now();
    const pairs = this.deps.registry
      .forSource(source.id)
      .map((registration) => this.describeRegistration(registration, now))
      .sort(byPair);
    return { timestamp: new Date(now).toISOString(), source: source.id, pairs };
  }

  private describeRegistration(r: Registration, nowMs: number): RegisteredPair {
    const entry = this.deps.cache.get(r, nowMs);
    return {
      source: r.source,
      pair: pairKey(r.pair),
      configured: r.configured,
      registeredAt: new Date(r.registeredAtMs).toISOString(),
      lastRequestAt: new Date(r.lastRequestAtMs).toISOString(),
      ...(entry
        ? {
            quote: {
              price: entry.price,
              receivedAt: new Date(entry.receivedAtMs).toISOString(),
              expiresAt: new Date(entry.expiresAtMs).toISOString(),
              via: entry.via,
              ...(entry.sourceTimestampMs === undefined
                ? {}
                : { sourceTimestamp: new Date(entry.sourceTimestampMs).toISOString() }),
            },
          }
        : {}),
      ...(r.lastError ? { lastError: { kind: r.lastError.kind, message: r.lastError.message } } : {}),
    };
  }

  /** The aggregate of a pair from what is cached right now, without fetching (the WS feed, health). */
  cachedAggregate(pair: Pair): PairAggregateResponse {
    const routes = this.deps.routes.routes(pair);
    const now = this.clock.now();
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
   * made.
   */
  private async aggregates(pairs: readonly Pair[]): Promise<SerializedAggregate[]> {
    const now = this.clock.now();
    const plans = pairs.map((pair) => {
      const admitted = this.deps.routes.isConfigured(pair) || this.deps.adHoc.admit(pairKey(pair), now);
      const routes = admitted ? this.deps.routes.routes(pair) : [];
      return { pair, routes, admitted, outcomes: new Array<RouteOutcome>(routes.length) };
    });
    const misses = new Map<SourceId, { source: SourceSettings; slots: QuoteSlot[] }>();
    const asked = new Set<string>();
    const lookups = new Lookups();
    for (const { routes, admitted, outcomes } of plans) {
      if (!admitted) continue;
      routes.forEach(({ source, slot }, i) => {
        const registration = this.deps.registry.request(slot, now);
        const entry = this.deps.cache.get(slot, now);
        lookups.count(source.id, entry !== undefined);
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
    if (misses.size > 0) {
      const fetched = await this.fetchWithDeadline([...misses.values()]);
      const later = this.clock.now();
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
    const judgedAt = this.clock.now();
    this.memo.sweep(judgedAt);
    return plans.map(({ pair, routes, admitted, outcomes }) => {
      if (!admitted) return serialized(this.refusedPair(pair));
      const quotes = quotesOf(outcomes);
      const key = pairKey(pair);
      const reused = quotes && this.memo.get(key, quotes, judgedAt);
      if (reused) return reused;
      const result = serialized(this.aggregatePair(pair, routes, outcomes, missing));
      for (const r of result.result.rejected)
        this.deps.metrics.aggregateRejected.inc({ source: r.source, reason: r.reason });
      if (quotes) this.memo.set(key, quotes, result, this.clock.now());
      return result;
    });
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
    const result = aggregate(inputs, policy, this.clock.now());
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
    return this.deps.registry.recentFailure(slot, this.clock.now());
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

const byPair = (a: RegisteredPair, b: RegisteredPair): number =>
  a.pair < b.pair ? -1 : a.pair > b.pair ? 1 : 0;

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
