/**
 * The quote API's logic: one source's cached quote (the reference's `/quote/...`), and the
 * cross-source aggregate of many pairs at once (`/quotes/batch`). Cache first; misses are fetched
 * with a deadline; a source that is down is not waited for.
 */
import { isSourceId } from '@oracle/config';
import { err, ok } from '@oracle/core';
import { aggregate, type RejectionReason, type SourceQuote } from '../aggregation/aggregate.js';
import type { PairRegistry } from '../cache/pair-registry.js';
import { cacheKey, type CachedQuote, type QuoteCache } from '../cache/quote-cache.js';
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
  readonly requestTimeoutMs: number;
}

const TIMED_OUT = Symbol('timed out');

export class QuotesService {
  constructor(private readonly deps: QuotesServiceDeps) {}

  /** Registers every configured pair at every one of its sources, so they are fetched and kept warm. */
  registerConfiguredPairs(): void {
    const now = Date.now();
    for (const pair of this.deps.routes.configuredPairs()) {
      for (const route of this.deps.routes.routes(pair))
        this.deps.registry.request(route.source.id, route.symbol, now, true);
    }
  }

  /** One source's quote for a pair, from the cache or fetched now. Throws QuoteError. */
  async sourceQuote(sourceId: string, pair: Pair): Promise<SourceQuoteResponse> {
    const source = this.usableSource(sourceId);
    if (!source.http.supports(pair)) throw new QuoteError(404, `${source.id} cannot quote ${pairKey(pair)}`);
    this.deps.registry.request(source.id, pair, Date.now());
    const cached = this.lookup(source.id, pair);
    if (cached) return toSourceQuoteResponse(cached);
    const recent = this.recentFailure(source.id, pair);
    if (recent) throw QuoteError.fromSource(recent);
    const outcome = await withDeadline(
      this.deps.fetcher.fetch(source, [pair], 'request').then(([first]) => first as FetchOutcome),
      this.deps.requestTimeoutMs,
    );
    if (outcome === TIMED_OUT)
      throw new QuoteError(
        504,
        `${source.id} did not answer for ${pairKey(pair)} within ${this.deps.requestTimeoutMs} ms`,
      );
    if (!outcome.ok) throw QuoteError.fromSource(outcome.error);
    return toSourceQuoteResponse(outcome.value);
  }

  /** The cross-source aggregate of each pair; one pair's failure never fails the others. */
  async batch(pairs: readonly Pair[]): Promise<BatchResponse> {
    const now = Date.now();
    const plans = uniquePairs(pairs).map((pair) => ({ pair, routes: this.deps.routes.routes(pair) }));
    const known = new Map<string, FetchOutcome>();
    const misses = new Map<SourceId, { source: SourceSettings; symbols: Map<string, Pair> }>();
    for (const { routes } of plans) {
      for (const { source, symbol } of routes) {
        this.deps.registry.request(source.id, symbol, now);
        const entry = this.lookup(source.id, symbol);
        const recent = entry ? undefined : this.recentFailure(source.id, symbol);
        if (entry) known.set(cacheKey(source.id, symbol), ok(entry));
        else if (recent) known.set(cacheKey(source.id, symbol), err(recent));
        if (entry || recent || !this.deps.status.isAvailable(source.id)) continue;
        const miss = misses.get(source.id) ?? { source, symbols: new Map<string, Pair>() };
        miss.symbols.set(pairKey(symbol), symbol);
        misses.set(source.id, miss);
      }
    }
    for (const [key, outcome] of await this.fetchWithDeadline([...misses.values()])) known.set(key, outcome);
    const missing = (source: SourceId): Rejection =>
      this.deps.status.isAvailable(source)
        ? {
            source,
            reason: 'timeout',
            message: `no answer from ${source} within ${this.deps.requestTimeoutMs} ms`,
          }
        : { source, reason: 'source_down', message: `${source} is down` };
    const entries = plans.map(({ pair, routes }) => {
      const result = this.aggregatePair(
        pair,
        routes,
        (source, symbol) => known.get(cacheKey(source, symbol)),
        missing,
      );
      for (const r of result.rejected)
        this.deps.metrics.aggregateRejected.inc({ source: r.source, reason: r.reason });
      return [pairKey(pair), result] as const;
    });
    return { timestamp: new Date().toISOString(), pairs: Object.fromEntries(entries) };
  }

  /** The aggregate of a pair from what is cached right now, without fetching (the WS feed, health). */
  cachedAggregate(pair: Pair): PairAggregateResponse {
    const fromCache = (source: SourceId, symbol: Pair): FetchOutcome | undefined => {
      const entry = this.deps.cache.get(source, symbol);
      return entry ? ok(entry) : undefined;
    };
    return this.aggregatePair(pair, this.deps.routes.routes(pair), fromCache, (source) => ({
      source,
      reason: this.deps.status.isAvailable(source) ? 'no_data' : 'source_down',
      message: `no fresh quote from ${source}`,
    }));
  }

  /** Aggregates a pair from each route's quote or error; `missing` explains a route with neither. */
  private aggregatePair(
    pair: Pair,
    routes: readonly PairRoute[],
    outcomeOf: (source: SourceId, symbol: Pair) => FetchOutcome | undefined,
    missing: (source: SourceId) => Rejection,
  ): PairAggregateResponse {
    const policy = this.deps.routes.policy(pair);
    const quotes: PairSourceQuote[] = [];
    const inputs: SourceQuote[] = [];
    const rejected: Rejection[] = [];
    for (const { source, symbol } of routes) {
      const outcome = outcomeOf(source.id, symbol);
      if (outcome?.ok) {
        const entry = outcome.value;
        quotes.push({
          source: source.id,
          symbol: pairKey(symbol),
          price: entry.price,
          receivedAt: new Date(entry.receivedAtMs).toISOString(),
        });
        inputs.push({
          source: source.id,
          price: entry.price,
          receivedAtMs: entry.receivedAtMs,
          expiresAtMs: entry.expiresAtMs,
        });
      } else {
        rejected.push(
          outcome
            ? { source: source.id, reason: outcome.error.kind, message: outcome.error.message }
            : missing(source.id),
        );
      }
    }
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
    misses: ReadonlyArray<{ source: SourceSettings; symbols: Map<string, Pair> }>,
  ): Promise<Map<string, FetchOutcome>> {
    const fetched = new Map<string, FetchOutcome>();
    if (misses.length === 0) return fetched;
    const all = Promise.all(
      misses.map(async ({ source, symbols }) => {
        const pairs = [...symbols.values()];
        const outcomes = await this.deps.fetcher.fetch(source, pairs, 'request');
        pairs.forEach((pair, i) => fetched.set(cacheKey(source.id, pair), outcomes[i] as FetchOutcome));
      }),
    );
    await withDeadline(all, this.deps.requestTimeoutMs);
    return new Map(fetched); // a snapshot: answers arriving after the deadline only fill the cache
  }

  private lookup(source: SourceId, pair: Pair): CachedQuote | undefined {
    const entry = this.deps.cache.get(source, pair);
    (entry ? this.deps.metrics.cacheHits : this.deps.metrics.cacheMisses).inc({ source });
    return entry;
  }

  /** A failure so recent that its retry backoff still runs (and no fetch is under way to join). */
  private recentFailure(source: SourceId, pair: Pair): SourceError | undefined {
    if (this.deps.fetcher.inFlight(source, pair)) return undefined;
    return this.deps.registry.recentFailure(source, pair, Date.now());
  }

  private usableSource(sourceId: string): SourceSettings {
    const source = isSourceId(sourceId) ? this.deps.catalog.get(sourceId) : undefined;
    if (!source) throw new QuoteError(400, `unknown source ${JSON.stringify(sourceId)}`);
    if (!source.enabled) throw new QuoteError(400, source.disabledReason ?? `${source.id} is disabled`);
    return source;
  }
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
