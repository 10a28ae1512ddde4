/**
 * The two routes that are called all the time — `GET /quotes/batch` (every oracle node, every round)
 * and `GET /quote/:source/:base/:quote` (the reference's job specs) — answered straight from Node's
 * HTTP server, ahead of Express and Nest, with the same bodies, status codes, error bodies and
 * `http_*` metrics as their Nest routes. Anything else (other methods, other spellings of the path,
 * percent-encoded path segments) goes on to Nest unchanged.
 *
 * A repeated batch request costs a map lookup of its query string and, while the cache has not
 * changed, no allocation beyond Node's own request and response objects.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from '@oracle/logger';
import { errorBody } from '../app-exception.filter.js';
import type { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import { trackHttpRequest } from '../metrics/http-metrics.middleware.js';
import type { BatchList } from './batch-list.js';
import { pairsFromQuery } from './batch-request.js';
import { sendJson } from './json-response.js';
import { symbolPair } from './pair-routes.js';
import { QuoteError } from './quote-error.js';
import type { QuotesService } from './quotes.service.js';

const BATCH_PATH = '/quotes/batch';
const QUOTE_PREFIX = '/quote/';
const batchRoute = (): string => BATCH_PATH;
const quoteRoute = (): string => '/quote/:source/:base/:quote';

/** Lists of configured pairs are remembered for this many distinct query strings; past that, the memory starts over. */
const MAX_QUERIES = 256;

export class HotRoutes {
  private readonly lists = new Map<string, BatchList>();

  constructor(
    private readonly quotes: QuotesService,
    private readonly metrics: AggregatorMetrics,
    private readonly logger: Logger,
  ) {}

  /** Answers `req` when it is one of the hot routes; false leaves it to Nest. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET') return false;
    const url = req.url ?? '';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    if (path === BATCH_PATH) {
      trackHttpRequest(this.metrics, req, res, batchRoute);
      this.batch(res, queryAt < 0 ? '' : url.slice(queryAt + 1));
      return true;
    }
    if (!path.startsWith(QUOTE_PREFIX) || path.includes('%')) return false;
    const [source, base, quote, extra] = path.slice(QUOTE_PREFIX.length).split('/');
    if (!source || !base || !quote || extra !== undefined) return false;
    trackHttpRequest(this.metrics, req, res, quoteRoute);
    this.send(res, this.quote(source, base, quote));
    return true;
  }

  private batch(res: ServerResponse, query: string): void {
    try {
      let list = this.lists.get(query);
      if (!list) {
        list = this.quotes.batchList(pairsFromQuery(parseQuery(query).pairs));
        if (list.configured) {
          if (this.lists.size >= MAX_QUERIES) this.lists.clear();
          this.lists.set(query, list);
        }
      }
      const kept = this.quotes.keptBatchBody(list);
      if (kept) sendJson(res, 200, kept);
      else this.send(res, this.quotes.batchBody(list));
    } catch (error) {
      this.fail(res, error);
    }
  }

  private async quote(source: string, base: string, quote: string): Promise<Buffer> {
    const pair = symbolPair(base, quote);
    if (!pair) throw new QuoteError(400, `invalid pair ${JSON.stringify(`${base}/${quote}`)}`);
    return Buffer.from(JSON.stringify(await this.quotes.sourceQuote(source, pair)));
  }

  private send(res: ServerResponse, body: Promise<Buffer>): void {
    body.then(
      (buffer) => sendJson(res, 200, buffer),
      (error: unknown) => this.fail(res, error),
    );
  }

  private fail(res: ServerResponse, error: unknown): void {
    const body = errorBody(error, this.logger);
    sendJson(res, body.statusCode, Buffer.from(JSON.stringify(body)));
  }
}

/**
 * Offers every request of `server` to `hot` first; the listeners it had (Nest's Express app) get the
 * rest, with the final handler a guard in front may pass (see http-guard.ts).
 */
export function serveHotRoutesFirst(server: Server, hot: HotRoutes): void {
  const others = server.listeners('request') as Array<
    (req: IncomingMessage, res: ServerResponse, done?: unknown) => void
  >;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse, done?: unknown) => {
    if (!hot.handle(req, res)) for (const listener of others) listener.call(server, req, res, done);
  });
}
