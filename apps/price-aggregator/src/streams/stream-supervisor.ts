/**
 * One StreamClient per enabled streaming source, following the pair registry: registered pairs
 * are subscribed, dropped pairs unsubscribed. Stream prices of registered pairs go into the cache
 * (stream-first: a streamed entry stays fresh, so REST refetches only cover pairs the stream
 * leaves silent).
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@oracle/logger';
import { CacheTiming } from '../cache/cache-timing.js';
import { PairRegistry } from '../cache/pair-registry.js';
import { quoteSlot, QuoteCache } from '../cache/quote-cache.js';
import { LOGGER } from '../config/config.tokens.js';
import { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import { checkedPrice } from '../sources/checked-price.js';
import { HttpSourceRunner } from '../sources/http-source-runner.js';
import type { SourceId } from '../sources/price-source.js';
import { SourceCatalog, type SourceSettings } from '../sources/source-catalog.js';
import { StreamClient } from './stream-client.js';

interface StreamSupervisorDeps {
  readonly catalog: SourceCatalog;
  readonly registry: PairRegistry;
  readonly cache: QuoteCache;
  readonly timing: CacheTiming;
  readonly runner: HttpSourceRunner;
  readonly metrics: AggregatorMetrics;
  readonly logger: Logger;
}

/**
 * Its timers (reconnect backoff, heartbeats) belong to each connection's StreamClient and follow
 * that socket's life, so they stay plain timers rather than named Nest schedules.
 */
@Injectable()
export class StreamSupervisor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly clients = new Map<SourceId, StreamClient>();
  private unsubscribe: (() => void) | undefined;
  private readonly deps: StreamSupervisorDeps;

  constructor(
    @Inject(SourceCatalog) catalog: SourceCatalog,
    @Inject(PairRegistry) registry: PairRegistry,
    @Inject(QuoteCache) cache: QuoteCache,
    @Inject(CacheTiming) timing: CacheTiming,
    @Inject(HttpSourceRunner) runner: HttpSourceRunner,
    @Inject(AggregatorMetrics) metrics: AggregatorMetrics,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.deps = { catalog, registry, cache, timing, runner, metrics, logger };
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  start(): void {
    for (const source of this.deps.catalog.enabled()) {
      if (!source.stream) continue;
      const client = this.clientFor(source);
      this.clients.set(source.id, client);
      client.add(this.deps.registry.forSource(source.id).map((r) => r.pair));
    }
    this.unsubscribe = this.deps.registry.subscribe({
      added: (source, pairs) => this.clients.get(source)?.add(pairs),
      removed: (source, pairs) => this.clients.get(source)?.remove(pairs),
    });
  }

  stop(): void {
    this.unsubscribe?.();
    for (const client of this.clients.values()) client.stop();
  }

  /** Source ids with an open stream. */
  openStreams(): SourceId[] {
    return [...this.clients].filter(([, c]) => c.isOpen).map(([id]) => id);
  }

  private clientFor(source: SourceSettings): StreamClient {
    const { registry, cache, timing, runner, metrics, logger } = this.deps;
    const definition = source.stream;
    if (!definition) throw new Error(`${source.id} has no stream`);
    const stream = source.config.stream;
    const labels = { source: source.id };
    metrics.websocketConnections.set(labels, 0);
    const negotiate = definition.negotiate;
    return new StreamClient({
      definition,
      configuredWsUrl: source.wsUrl,
      context: source.context,
      heartbeatIntervalMs: stream.heartbeatIntervalMs,
      reconnect: {
        initialDelayMs: stream.reconnectInitialDelayMs,
        maxDelayMs: stream.reconnectMaxDelayMs,
        multiplier: 2,
        jitter: 0.2,
      },
      ...(negotiate
        ? {
            negotiate: () =>
              runner.request(source, negotiate.request(source.context), negotiate.responseSchema),
          }
        : {}),
      logger: logger.child({ stream: source.id }),
      events: {
        prices: (prices) => {
          for (const price of prices) {
            if (!registry.get(quoteSlot(source.id, price.pair))) continue;
            const checked = checkedPrice(source.id, price);
            if ('error' in checked) metrics.sourceErrors.inc({ source: source.id, kind: checked.error.kind });
            else
              cache.put(
                source.id,
                checked,
                timing.ttlMs(source.id, checked.pair),
                'stream',
                source.maxSourceAgeMs,
              );
          }
        },
        error: (error) => metrics.sourceErrors.inc({ source: source.id, kind: error.kind }),
        frame: () => metrics.websocketMessages.inc(labels),
        connection: (open) => metrics.websocketConnections.set(labels, open ? 1 : 0),
        reconnecting: () => metrics.websocketReconnects.inc(labels),
      },
    });
  }
}
