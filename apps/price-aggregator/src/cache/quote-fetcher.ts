/**
 * Fetches quotes of one source into the cache. Concurrent fetches of the same (source, pair)
 * share one upstream request (SingleFlight); many pairs of one source go out in requests of up to
 * the source's maxBatchSize (and of one batchKey). Outcomes update the source's availability and the registrations'
 * spacing and failure backoff.
 */
import { backoffDelayMs, err, ok, SingleFlight, type BackoffPolicy, type Result } from '@oracle/core';
import type { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import type { HttpSourceRunner, QuoteResult } from '../sources/http-source-runner.js';
import { pairKey, type Pair, type SourceError } from '../sources/price-source.js';
import type { SourceSettings } from '../sources/source-catalog.js';
import type { SourceStatusBoard } from '../sources/source-status.js';
import type { CacheTiming } from './cache-timing.js';
import type { PairRegistry } from './pair-registry.js';
import { cacheKey, quoteSlot, type CachedQuote, type QuoteCache, type QuoteSlot } from './quote-cache.js';
import { TurnPacer } from './turn-pacer.js';

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

export interface QuoteFetcherDeps {
  readonly runner: Pick<HttpSourceRunner, 'fetchQuotes'>;
  readonly cache: QuoteCache;
  readonly registry: PairRegistry;
  readonly timing: CacheTiming;
  readonly status: SourceStatusBoard;
  readonly metrics: AggregatorMetrics;
  readonly minTimeBetweenRefreshesMs: number;
  readonly now?: () => number;
}

export class QuoteFetcher {
  private readonly flight = new SingleFlight<string, FetchOutcome>();
  /** Upstream requests start one per turn of the event loop (see TurnPacer). */
  private readonly pacer = new TurnPacer();
  private readonly now: () => number;

  constructor(private readonly deps: QuoteFetcherDeps) {
    this.now = deps.now ?? Date.now;
  }

  inFlight(slot: QuoteSlot): boolean {
    return this.flight.has(slot.key);
  }

  /** One outcome per pair, in order. Pairs already being fetched join that fetch. */
  fetch(source: SourceSettings, pairs: readonly Pair[], purpose: FetchPurpose): Promise<FetchOutcome[]> {
    const fresh = uniquePairs(pairs).filter((p) => !this.flight.has(cacheKey(source.id, p)));
    // Pairs the source cannot quote are answered without a request and take no batch slot.
    const unsupported = fresh.filter((p) => !source.http.supports(p)).map((p) => [p]);
    const batches = requestBatches(
      source,
      fresh.filter((p) => source.http.supports(p)),
    );
    for (const chunk of [...batches, ...unsupported]) {
      const outcomes = this.fetchChunk(source, chunk, purpose);
      for (const pair of chunk) {
        void this.flight.run(cacheKey(source.id, pair), () =>
          outcomes.then((byPair) => byPair.get(pairKey(pair)) as FetchOutcome),
        );
      }
    }
    return Promise.all(
      pairs.map((pair) =>
        this.flight.run(cacheKey(source.id, pair), () =>
          this.fetchChunk(source, [pair], purpose).then((m) => m.get(pairKey(pair)) as FetchOutcome),
        ),
      ),
    );
  }

  private async fetchChunk(
    source: SourceSettings,
    pairs: readonly Pair[],
    purpose: FetchPurpose,
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
      const response = await this.pacer.run(() => this.deps.runner.fetchQuotes(source, supported));
      if (supported.length > 1 && rejectedAsBatch(response)) {
        // One bad pair can sink a whole batch (binance: unknown symbol): ask for each alone.
        const alone = await Promise.all(
          supported.map((pair) => this.pacer.run(() => this.deps.runner.fetchQuotes(source, [pair]))),
        );
        supported.forEach((pair, i) => this.store(source, [pair], alone[i] as typeof response, outcomes));
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
      const failures = registry.get(slot)?.failures ?? 0;
      const retryAtMs = finishedAtMs + backoffDelayMs(failedFetchBackoff, failures);
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

/** Whether a multi-pair request failed as a whole with a client error (every pair an http 4xx). */
function rejectedAsBatch(response: Result<QuoteResult[], SourceError>): boolean {
  const isClientError = (e: SourceError): boolean =>
    e.kind === 'http' && e.status !== undefined && e.status >= 400 && e.status < 500;
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
