/**
 * `/ws`: clients subscribe to pairs (`{"op":"subscribe","pairs":["BTC/USD"]}`) and receive the
 * pair's cross-source aggregate whenever it changes. Subscribed pairs are registered and kept warm
 * like requested ones.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { AggregatorConfig } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import { cacheKey, QuoteCache } from '../cache/quote-cache.js';
import { Clock } from '../clock.js';
import { AGGREGATOR_CONFIG, LOGGER } from '../config/config.tokens.js';
import { parsePair, PairRoutes } from '../quotes/pair-routes.js';
import { QuotesService } from '../quotes/quotes.service.js';
import { pairKey, type Pair } from '../sources/price-source.js';

export const FEED_PATH = '/ws';
const MAX_PAIRS_PER_CLIENT = 500;

const clientMessage = z.strictObject({
  op: z.enum(['subscribe', 'unsubscribe']),
  pairs: z.array(z.string()).min(1).max(MAX_PAIRS_PER_CLIENT),
});

export type FeedMessage =
  | { readonly type: 'subscribed' | 'unsubscribed'; readonly pairs: readonly string[] }
  | {
      readonly type: 'price';
      readonly pair: string;
      readonly price: string;
      readonly contributors: readonly string[];
      readonly timestamp: string;
    }
  | { readonly type: 'error'; readonly message: string };

interface PriceFeedDeps {
  readonly quotes: QuotesService;
  readonly routes: PairRoutes;
  readonly cache: QuoteCache;
  /** Subscribed pairs are requested again this often, so pair cleanup keeps them. */
  readonly keepAliveMs: number;
  readonly logger: Logger;
}

const KEEP_ALIVE_TIMER = 'ws-feed-keep-alive';

@Injectable()
export class PriceFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Map<WebSocket, Set<string>>();
  /** Watched pair → its pair object and the cache keys of its routes. */
  private readonly watched = new Map<string, { pair: Pair; routeKeys: Set<string> }>();
  private readonly lastPrice = new Map<string, string>();
  private readonly pending = new Set<string>();
  private flushScheduled = false;
  private unsubscribeCache: (() => void) | undefined;
  private server: Server | undefined;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== FEED_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  };

  private readonly deps: PriceFeedDeps;

  constructor(
    @Inject(QuotesService) quotes: QuotesService,
    @Inject(PairRoutes) routes: PairRoutes,
    @Inject(QuoteCache) cache: QuoteCache,
    @Inject(AGGREGATOR_CONFIG) config: Pick<AggregatorConfig, 'pairCleanup'>,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(SchedulerRegistry) private readonly timers: SchedulerRegistry,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.deps = {
      quotes,
      routes,
      cache,
      keepAliveMs: Math.max(1_000, Math.floor(config.pairCleanup.inactiveTimeoutMs / 2)),
      logger: logger.child({ component: 'ws-feed' }),
    };
  }

  onApplicationBootstrap(): void {
    this.attach(this.adapterHost.httpAdapter.getHttpServer() as Server);
  }

  onApplicationShutdown(): void {
    this.close();
  }

  attach(server: Server): void {
    this.server = server;
    server.on('upgrade', this.onUpgrade);
    this.unsubscribeCache = this.deps.cache.onUpdate((quote) => {
      const key = cacheKey(quote.source, quote.pair);
      for (const [pair, { routeKeys }] of this.watched) if (routeKeys.has(key)) this.schedule(pair);
    });
    this.timers.addInterval(
      KEEP_ALIVE_TIMER,
      setInterval(() => void this.warm([...this.watched.values()].map((w) => w.pair)), this.deps.keepAliveMs),
    );
  }

  close(): void {
    if (this.timers.doesExist('interval', KEEP_ALIVE_TIMER)) this.timers.deleteInterval(KEEP_ALIVE_TIMER);
    this.unsubscribeCache?.();
    this.server?.off('upgrade', this.onUpgrade);
    for (const ws of this.clients.keys()) ws.close(1001, 'server shutting down');
    this.wss.close();
  }

  private accept(ws: WebSocket): void {
    this.clients.set(ws, new Set());
    ws.on('message', (data: RawData) => this.onMessage(ws, data));
    ws.on('close', () => {
      this.clients.delete(ws);
      this.forgetUnwatched();
    });
    ws.on('error', (error) => this.deps.logger.debug({ err: error }, 'Feed client socket error'));
  }

  private onMessage(ws: WebSocket, data: RawData): void {
    let message: z.infer<typeof clientMessage>;
    try {
      message = clientMessage.parse(JSON.parse(String(data)));
    } catch {
      send(ws, {
        type: 'error',
        message: `expected {"op":"subscribe"|"unsubscribe","pairs":["BASE/QUOTE", ...]} (1..${MAX_PAIRS_PER_CLIENT} pairs)`,
      });
      return;
    }
    const pairs = message.pairs.map((text) => parsePair(text));
    const invalid = message.pairs.filter((_, i) => pairs[i] === undefined);
    if (invalid.length > 0) {
      send(ws, { type: 'error', message: `invalid pair(s): ${invalid.join(', ')}` });
      return;
    }
    const valid = pairs as Pair[];
    const subscriptions = this.clients.get(ws) ?? new Set<string>();
    if (message.op === 'unsubscribe') {
      for (const pair of valid) subscriptions.delete(pairKey(pair));
      this.forgetUnwatched();
      send(ws, { type: 'unsubscribed', pairs: valid.map(pairKey) });
      return;
    }
    if (subscriptions.size + valid.length > MAX_PAIRS_PER_CLIENT) {
      send(ws, { type: 'error', message: `at most ${MAX_PAIRS_PER_CLIENT} pairs per connection` });
      return;
    }
    for (const pair of valid) {
      subscriptions.add(pairKey(pair));
      this.watched.set(pairKey(pair), {
        pair,
        routeKeys: new Set(this.deps.routes.routes(pair).map((r) => r.slot.key)),
      });
    }
    send(ws, { type: 'subscribed', pairs: valid.map(pairKey) });
    // Register and fetch what is missing, then send the current aggregate to this client.
    void this.warm(valid).then(() => {
      for (const pair of valid) {
        const update = this.priceMessage(pair);
        if (update) send(ws, update);
      }
    });
  }

  private async warm(pairs: readonly Pair[]): Promise<void> {
    if (pairs.length === 0) return;
    try {
      await this.deps.quotes.batch(pairs);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'Could not warm subscribed pairs');
    }
  }

  private schedule(pair: string): void {
    this.pending.add(pair);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Sends each changed aggregate once to its subscribers. */
  private flush(): void {
    this.flushScheduled = false;
    for (const key of this.pending) {
      const watched = this.watched.get(key);
      const update = watched && this.priceMessage(watched.pair);
      if (!update || update.type !== 'price' || this.lastPrice.get(key) === update.price) continue;
      this.lastPrice.set(key, update.price);
      for (const [ws, subscriptions] of this.clients) if (subscriptions.has(key)) send(ws, update);
    }
    this.pending.clear();
  }

  private priceMessage(pair: Pair): FeedMessage | undefined {
    const aggregate = this.deps.quotes.cachedAggregate(pair);
    if (aggregate.price === undefined) return undefined;
    return {
      type: 'price',
      pair: aggregate.pair,
      price: aggregate.price,
      contributors: aggregate.contributors,
      timestamp: this.clock.iso(),
    };
  }

  private forgetUnwatched(): void {
    const wanted = new Set([...this.clients.values()].flatMap((s) => [...s]));
    for (const key of this.watched.keys()) {
      if (!wanted.has(key)) {
        this.watched.delete(key);
        this.lastPrice.delete(key);
      }
    }
  }
}

function send(ws: WebSocket, message: FeedMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}
