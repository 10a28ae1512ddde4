/**
 * Fetches quotes of one source into the cache. Concurrent fetches of the same (source, pair)
 * share one upstream request (SingleFlight); many pairs of one source go out in requests of up to
 * the source's maxBatchSize (and of one batchKey). Outcomes update the source's availability and the registrations'
 * spacing and failure backoff.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { AggregatorConfig } from '@oracle/config';
import { backoffDelayMs, err, ok, SingleFlight, type BackoffPolicy, type Result } from '@oracle/core';
import { Clock } from '../clock.js';
import { AGGREGATOR_CONFIG } from '../config/config.tokens.js';
import { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import { HttpSourceRunner, type QuoteResult } from '../sources/http-source-runner.js';
import type { RequestPriority } from '../sources/rate-limiter.js';
import { pairKey, type Pair, type SourceError } from '../sources/price-source.js';
import type { SourceSettings } from '../sources/source-catalog.js';
import { SourceStatusBoard } from '../sources/source-status.js';
import { CacheTiming } from './cache-timing.js';
import { PairRegistry } from './pair-registry.js';
import { cacheKey, quoteSlot, QuoteCache, type CachedQuote, type QuoteSlot } from './quote-cache.js';

export type FetchOutcome = Result<CachedQuote, SourceError>;

/** Why a fetch happens: a caller is waiting, or the refresh scheduler keeps an entry warm. */
export type FetchPurpose = 'request' | 'refetch';

/** Delay before a registration whose fetch failed is tried again (no jitter: one timer serves many). */
export const failedFetchBackoff: BackoffPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 10_000,
  multiplier: 2,
  jitter: 0,
};

/** Errors about one pair, not about the source: the source itself answered. */
const PAIR_LEVEL: ReadonlySet<SourceError['kind']> = new Set(['not_found', 'unsupported']);

/** What the fetcher reads of the configuration. */
export type QuoteFetcherConfig = {
  readonly refetch: Pick<AggregatorConfig['refetch'], 'minTimeBetweenRefreshes'>;
  /** `unknownPairRetryMs`: an ad-hoc pair a source rejected as unknown is not asked of it again for this long. */
  readonly adHocPairs: Pick<AggregatorConfig['adHocPairs'], 'unknownPairRetryMs'>;
};

@Injectable()
export class QuoteFetcher {
  private readonly flight = new SingleFlight<string, FetchOutcome>();
  private readonly deps: {
    readonly runner: Pick<HttpSourceRunner, 'fetchQuotes'>;
    readonly cache: QuoteCache;
    readonly registry: PairRegistry;
    readonly timing: CacheTiming;
    readonly status: SourceStatusBoard;
    readonly metrics: AggregatorMetrics;
    readonly minTimeBetweenRefreshesMs: number;
    readonly unknownPairRetryMs: number;
  };

  constructor(
    @Inject(HttpSourceRunner) runner: Pick<HttpSourceRunner, 'fetchQuotes'>,
    @Inject(QuoteCache) cache: QuoteCache,
    @Inject(PairRegistry) registry: PairRegistry,
    @Inject(CacheTiming) timing: CacheTiming,
    @Inject(SourceStatusBoard) status: SourceStatusBoard,
    @Inject(AggregatorMetrics) metrics: AggregatorMetrics,
    @Inject(AGGREGATOR_CONFIG) config: QuoteFetcherConfig,
    @Inject(Clock) private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.deps = {
      runner,
      cache,
      registry,
      timing,
      status,
      metrics,
      minTimeBetweenRefreshesMs: config.refetch.minTimeBetweenRefreshes,
      unknownPairRetryMs: config.adHocPairs.unknownPairRetryMs,
    };
  }

  private now(): number {
    return this.clock.now();
  }

  inFlight(slot: QuoteSlot): boolean {
    return this.flight.has(slot.key);
  }

  /**
   * One outcome per pair, in order. Pairs already being fetched join that fetch. Configured pairs
   * and ad-hoc pairs never share a request: the configured ones go first in the source's queue.
   */
  fetch(source: SourceSettings, pairs: readonly Pair[], purpose: FetchPurpose): Promise<FetchOutcome[]> {
    const fresh = uniquePairs(pairs).filter((p) => !this.flight.has(cacheKey(source.id, p)));
    const configured = (p: Pair): boolean =>
      this.deps.registry.get(quoteSlot(source.id, p))?.configured ?? false;
    const supported = fresh.filter((p) => source.http.supports(p));
    const chunks = [
      ...requestBatches(source, supported.filter(configured)).map((chunk) => ({
        chunk,
        priority: 'configured' as const,
      })),
      ...requestBatches(
        source,
        supported.filter((p) => !configured(p)),
      ).map((chunk) => ({ chunk, priority: 'ad-hoc' as const })),
      // Pairs the source cannot quote are answered without a request and take no batch slot.
      ...fresh
        .filter((p) => !source.http.supports(p))
        .map((p) => ({ chunk: [p], priority: 'ad-hoc' as const })),
    ];
    for (const { chunk, priority } of chunks) {
      const outcomes = this.fetchChunk(source, chunk, purpose, priority);
      for (const pair of chunk) {
        void this.flight.run(cacheKey(source.id, pair), () =>
          outcomes.then((byPair) => byPair.get(pairKey(pair)) as FetchOutcome),
        );
      }
    }
    return Promise.all(
      pairs.map((pair) =>
        this.flight.run(cacheKey(source.id, pair), () =>
          this.fetchChunk(source, [pair], purpose, configured(pair) ? 'configured' : 'ad-hoc').then(
            (m) => m.get(pairKey(pair)) as FetchOutcome,
          ),
        ),
      ),
    );
  }

  private async fetchChunk(
    source: SourceSettings,
    pairs: readonly Pair[],
    purpose: FetchPurpose,
    priority: RequestPriority,
  ): Promise<Map<string, FetchOutcome>> {
    const { registry, metrics } = this.deps;
    const startedAtMs = this.now();
    for (const pair of pairs)
      registry.fetchStarted(quoteSlot(source.id, pair), startedAtMs + this.deps.minTimeBetweenRefreshesMs);

    const outcomes = new Map<string, FetchOutcome>();
    const supported = pairs.filter((pair) => {
      if (source.http.supports(pair)) return true;
      outcomes.set(
        pairKey(pair),
        err({ kind: 'unsupported', message: `${source.id} cannot quote ${pairKey(pair)}` }),
      );
      return false;
    });
    if (supported.length > 0) {
      const ask = (asked: readonly Pair[]) => this.deps.runner.fetchQuotes(source, asked, priority);
      const response = await ask(supported);
      if (supported.length > 1 && rejectedAsBatch(response)) {
        // One bad pair can sink a whole batch (binance: unknown symbol): ask for each alone.
        const alone = await Promise.all(supported.map((pair) => ask([pair])));
        supported.forEach((pair, i) =>
          this.store(source, [pair], pairRejection(source, pair, alone[i] as typeof response), outcomes),
        );
      } else if (supported.length === 1) {
        this.store(source, supported, pairRejection(source, supported[0] as Pair, response), outcomes);
      } else {
        this.store(source, supported, response, outcomes);
      }
    }

    const finishedAtMs = this.now();
    let anyFailed = false;
    for (const pair of pairs) {
      const outcome = outcomes.get(pairKey(pair)) as FetchOutcome;
      anyFailed ||= !outcome.ok;
      const slot = quoteSlot(source.id, pair);
      const registration = registry.get(slot);
      const unknownAdHoc = !outcome.ok && PAIR_LEVEL.has(outcome.error.kind) && !registration?.configured;
      const retryAtMs =
        finishedAtMs +
        (unknownAdHoc
          ? this.deps.unknownPairRetryMs
          : backoffDelayMs(failedFetchBackoff, registration?.failures ?? 0));
      registry.fetchFinished(slot, outcome.ok ? undefined : outcome.error, retryAtMs);
    }
    if (purpose === 'refetch' && supported.length > 0) {
      metrics.refetchOperations.inc({ source: source.id, result: anyFailed ? 'failure' : 'success' });
      metrics.refetchDuration.observe((finishedAtMs - startedAtMs) / 1000);
    }
    return outcomes;
  }

  /** Caches the prices of a response, records every pair's outcome and the source's availability. */
  private store(
    source: SourceSettings,
    pairs: readonly Pair[],
    response: Result<QuoteResult[], SourceError>,
    outcomes: Map<string, FetchOutcome>,
  ): void {
    const { cache, timing, status } = this.deps;
    if (!response.ok) {
      for (const pair of pairs) outcomes.set(pairKey(pair), response);
      if (!PAIR_LEVEL.has(response.error.kind)) status.failed(source.id, response.error, this.now());
      return;
    }
    const wanted = new Set(pairs.map(pairKey));
    for (const result of response.value) {
      const key = pairKey(result.pair);
      if (!wanted.has(key)) continue;
      outcomes.set(
        key,
        'error' in result
          ? err(result.error)
          : ok(
              cache.put(
                source.id,
                result,
                timing.ttlMs(source.id, result.pair),
                'rest',
                source.maxSourceAgeMs,
              ),
            ),
      );
    }
    for (const pair of pairs) {
      if (!outcomes.has(pairKey(pair))) {
        outcomes.set(
          pairKey(pair),
          err({ kind: 'not_found', message: `${source.id} returned no price for ${pairKey(pair)}` }),
        );
      }
    }
    const results = pairs.map((pair) => outcomes.get(pairKey(pair)) as FetchOutcome);
    const sourceFailure = results.every((r) => !r.ok)
      ? results.find((r) => !r.ok && !PAIR_LEVEL.has(r.error.kind))
      : undefined;
    if (sourceFailure && !sourceFailure.ok) status.failed(source.id, sourceFailure.error, this.now());
    else status.succeeded(source.id, this.now());
  }
}

/**
 * A one-pair request that the source refused with a client error (HTTP 4xx other than 401, 403
 * and 429: e.g. bybit's 400 for a symbol it does not list) says the source does not know the pair:
 * a pair-level `not_found`, which neither marks the source down nor is asked again soon.
 */
function pairRejection(
  source: SourceSettings,
  pair: Pair,
  response: Result<QuoteResult[], SourceError>,
): Result<QuoteResult[], SourceError> {
  const unknown = (error: SourceError): SourceError =>
    isClientError(error)
      ? {
          kind: 'not_found',
          message: `${source.id} rejected ${pairKey(pair)} (HTTP ${error.status})`,
          status: error.status,
        }
      : error;
  if (!response.ok) return err(unknown(response.error));
  return ok(response.value.map((r) => ('error' in r ? { pair: r.pair, error: unknown(r.error) } : r)));
}

const isClientError = (e: SourceError): boolean =>
  e.kind === 'http' && e.status !== undefined && e.status >= 400 && e.status < 500;

/** Whether a multi-pair request failed as a whole with a client error (every pair an http 4xx). */
function rejectedAsBatch(response: Result<QuoteResult[], SourceError>): boolean {
  if (!response.ok) return isClientError(response.error);
  return response.value.length > 0 && response.value.every((r) => 'error' in r && isClientError(r.error));
}

/** Pairs grouped by the source's batchKey (pairs with different keys never share a request), in requests of maxBatchSize. */
export function requestBatches(
  source: Pick<SourceSettings, 'http' | 'maxBatchSize'>,
  pairs: readonly Pair[],
): Pair[][] {
  const groups = new Map<string, Pair[]>();
  for (const pair of pairs) {
    const key = source.http.batchKey?.(pair) ?? '';
    const group = groups.get(key);
    if (group) group.push(pair);
    else groups.set(key, [pair]);
  }
  const size = Math.max(1, source.maxBatchSize);
  return [...groups.values()].flatMap((group) =>
    Array.from({ length: Math.ceil(group.length / size) }, (_, i) => group.slice(i * size, (i + 1) * size)),
  );
}

function uniquePairs(pairs: readonly Pair[]): Pair[] {
  return [...new Map(pairs.map((p) => [pairKey(p), p])).values()];
}
