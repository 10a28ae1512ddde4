/**
 * Every metric of the aggregator, on one injected Registry (never prom-client's global one).
 * Names follow architecture.md §6.1; label values are bounded (source ids, route templates,
 * error kinds, status codes), never raw URLs or pairs.
 */
import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface CacheStats {
  readonly entries: number;
  /** Entries inside their refetch window (due for refresh) but not yet expired. */
  readonly stale: number;
}

@Injectable()
export class AggregatorMetrics {
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly httpDuration: Histogram<'route' | 'method' | 'status'>;
  readonly httpInFlight: Gauge;
  readonly cacheHits: Counter<'source'>;
  readonly cacheMisses: Counter<'source'>;
  readonly sourceRequests: Counter<'source' | 'status'>;
  readonly sourceDuration: Histogram<'source'>;
  readonly sourceAvailability: Gauge<'source'>;
  readonly sourceErrors: Counter<'source' | 'kind'>;
  readonly websocketConnections: Gauge<'source'>;
  readonly websocketReconnects: Counter<'source'>;
  readonly websocketMessages: Counter<'source'>;
  readonly refetchOperations: Counter<'source' | 'result'>;
  readonly refetchDuration: Histogram;
  readonly aggregateRejected: Counter<'source' | 'reason'>;
  private cacheStats: () => CacheStats = () => ({ entries: 0, stale: 0 });

  constructor(@Inject(Registry) readonly registry: Registry) {
    collectDefaultMetrics({ register: registry });
    const registers = [registry];
    const cacheStats = (): CacheStats => this.cacheStats();
    const hitRatio = async (): Promise<number> => {
      const hits = sum(await this.cacheHits.get());
      const misses = sum(await this.cacheMisses.get());
      return hits + misses === 0 ? 0 : hits / (hits + misses);
    };
    const prefetchSuccessRate = async (): Promise<number> => {
      const values = (await this.refetchOperations.get()).values;
      const good = values.filter((v) => v.labels.result === 'success');
      return values.length === 0 ? 1 : sum({ values: good }) / sum({ values });
    };

    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests served, by route template, method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency in seconds',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.httpInFlight = new Gauge({
      name: 'http_requests_in_flight',
      help: 'HTTP requests being served',
      registers,
    });

    this.cacheHits = new Counter({
      name: 'cache_hits_total',
      help: 'Quote lookups answered from the cache',
      labelNames: ['source'],
      registers,
    });
    this.cacheMisses = new Counter({
      name: 'cache_misses_total',
      help: 'Quote lookups that found no fresh quote in the cache',
      labelNames: ['source'],
      registers,
    });
    new Gauge({
      name: 'cache_hit_ratio',
      help: 'cache hits / (hits + misses) since start',
      registers,
      async collect() {
        this.set(await hitRatio());
      },
    });
    new Gauge({
      name: 'cache_entries_total',
      help: 'Cached (source, pair) quotes',
      registers,
      collect() {
        this.set(cacheStats().entries);
      },
    });
    new Gauge({
      name: 'cache_stale_entries',
      help: 'Cached quotes inside their refetch window',
      registers,
      collect() {
        this.set(cacheStats().stale);
      },
    });

    this.sourceRequests = new Counter({
      name: 'source_requests_total',
      help: 'Upstream requests, by source and HTTP status or failure kind',
      labelNames: ['source', 'status'],
      registers,
    });
    this.sourceDuration = new Histogram({
      name: 'source_request_duration_seconds',
      help: 'Upstream request latency in seconds',
      labelNames: ['source'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.sourceAvailability = new Gauge({
      name: 'source_availability',
      help: '1 when the source answers, 0 when it is down',
      labelNames: ['source'],
      registers,
    });
    this.sourceErrors = new Counter({
      name: 'source_errors_total',
      help: 'Upstream failures, by source and kind',
      labelNames: ['source', 'kind'],
      registers,
    });

    this.websocketConnections = new Gauge({
      name: 'websocket_connections',
      help: 'Open upstream WebSocket streams',
      labelNames: ['source'],
      registers,
    });
    this.websocketReconnects = new Counter({
      name: 'websocket_reconnects_total',
      help: 'Upstream WebSocket reconnect attempts',
      labelNames: ['source'],
      registers,
    });
    this.websocketMessages = new Counter({
      name: 'websocket_messages_received',
      help: 'Upstream WebSocket frames received',
      labelNames: ['source'],
      registers,
    });

    this.refetchOperations = new Counter({
      name: 'refetch_operations_total',
      help: 'Background refetches of cached quotes, by source and result (success, failure)',
      labelNames: ['source', 'result'],
      registers,
    });
    this.refetchDuration = new Histogram({
      name: 'refetch_duration_seconds',
      help: 'Duration of one background refetch request in seconds',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    new Gauge({
      name: 'prefetch_success_rate',
      help: 'Successful background refetches / all background refetches since start',
      registers,
      async collect() {
        this.set(await prefetchSuccessRate());
      },
    });
    this.aggregateRejected = new Counter({
      name: 'aggregate_rejected_quotes_total',
      help: 'Source quotes left out of a cross-source aggregate, by source and reason',
      labelNames: ['source', 'reason'],
      registers,
    });
  }

  /**
   * A source in use: its availability starts up and its cache counters at 0, so dashboards and
   * rate() see every source from the start, not from its first miss (configured pairs are kept
   * warm and may never miss).
   */
  sourceInUse(source: string): void {
    this.sourceAvailability.set({ source }, 1);
    this.cacheHits.inc({ source }, 0);
    this.cacheMisses.inc({ source }, 0);
  }

  /** The cache reports its size through this when metrics are collected. */
  observeCache(stats: () => CacheStats): void {
    this.cacheStats = stats;
  }
}

function sum(metric: { values: ReadonlyArray<{ value: number }> }): number {
  return metric.values.reduce((acc, v) => acc + v.value, 0);
}
