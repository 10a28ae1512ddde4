import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { EXCHANGE_FACTORIES } from './exchanges/index.js';
import type { ExchangeHandler, FakeSocket, Fault, Market } from './types.js';

export interface FakeExchangeOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Requests that name no exchange go here first; it answers them and returns true, or returns false for a 404. */
  readonly unrouted?: (req: IncomingMessage, res: ServerResponse, exchange: FakeExchange) => boolean;
}

const GARBAGE_BODY = '<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>';

/** A hung REST answer or stream handshake, ended (connection reset) when the fault changes. */
interface Hung {
  destroy(): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/**
 * One local HTTP + WebSocket server speaking every exchange's wire format. Requests to
 * `/<source-id>/...` go to that exchange's handler with the prefix stripped. Prices and faults
 * are set by tests; the server applies `status`, `garbage` and `hang` (REST and streams) and
 * `drop`/`ws-drop` and `freeze` (streams) itself, handlers apply `schema`, `zero` and `negative`.
 */
export class FakeExchange {
  private readonly handlers = new Map<string, ExchangeHandler>();
  private readonly prices = new Map<string, Map<string, string>>();
  private readonly faults = new Map<string, Fault>();
  private readonly counts = new Map<string, number>();
  private readonly timestampOffsets = new Map<string, number>();
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly hung = new Map<string, Set<Hung>>();
  private readonly server: Server;
  /** Pongs are sent by `onConnection`, so a hung stream can leave pings unanswered. */
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private urlHost = '127.0.0.1';
  private unrouted: FakeExchangeOptions['unrouted'];

  /** What handlers see; counting is the server's job, so `recordRequest` changes nothing. */
  private readonly market: Market = {
    price: (source, base, quote) => this.prices.get(source)?.get(`${base}/${quote}`),
    fault: (source) => this.faults.get(source),
    pairs: (source) =>
      [...(this.prices.get(source)?.keys() ?? [])].map((key) => {
        const [base = '', quote = ''] = key.split('/');
        return { base, quote };
      }),
    now: (source) => Date.now() + (this.timestampOffsets.get(source) ?? 0),
    recordRequest: () => undefined,
  };

  private constructor() {
    for (const create of EXCHANGE_FACTORIES) {
      const handler = create();
      this.handlers.set(handler.id, handler);
      this.prices.set(handler.id, new Map());
      this.sockets.set(handler.id, new Set());
      this.hung.set(handler.id, new Set());
    }
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket, head) => {
      const route = this.route(req.url);
      const ws = route?.handler.ws;
      if (!route || !ws || !isStreamPath(route.path, ws.path)) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      const fault = this.faults.get(route.handler.id);
      if (fault?.kind === 'hang') {
        socket.on('error', () => undefined);
        this.hold(route.handler.id, socket);
        return;
      }
      if (fault?.kind === 'status') {
        refuseUpgrade(socket, statusAnswer(route.handler, fault));
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (client) =>
        this.onConnection(route.handler, client, route.url),
      );
    });
  }

  static async start({
    port = 0,
    host = '127.0.0.1',
    unrouted,
  }: FakeExchangeOptions = {}): Promise<FakeExchange> {
    const exchange = new FakeExchange();
    exchange.unrouted = unrouted;
    await new Promise<void>((resolve, reject) => {
      exchange.server.once('error', reject);
      exchange.server.listen(port, host, () => resolve());
    });
    const wildcard = host === '0.0.0.0' || host === '::';
    exchange.urlHost = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return exchange;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The exchange ids this server speaks for. */
  get exchangeIds(): string[] {
    return [...this.handlers.keys()];
  }

  /** `http://127.0.0.1:<port>`. */
  get origin(): string {
    return `http://${this.urlHost}:${this.port}`;
  }

  /** REST base URL of an exchange, e.g. `http://127.0.0.1:8999/binance`. */
  url(sourceId: string): string {
    this.handler(sourceId);
    return `${this.origin}/${sourceId}`;
  }

  /** WebSocket URL of an exchange's stream, e.g. `ws://127.0.0.1:8999/binance/ws`. */
  wsUrl(sourceId: string): string {
    const ws = this.handler(sourceId).ws;
    if (!ws) throw new Error(`The fake ${sourceId} exchange has no WebSocket stream`);
    return `ws://${this.urlHost}:${this.port}/${sourceId}${ws.path}`;
  }

  /** Sets a price on one exchange and pushes it to that exchange's subscribed sockets. */
  setPrice(source: string, base: string, quote: string, price: string): void {
    const handler = this.handler(source);
    const [b, q] = [base.toUpperCase(), quote.toUpperCase()];
    this.prices.get(source)?.set(`${b}/${q}`, price);
    handler.onPriceChange?.(b, q, price, this.market);
  }

  setPriceEverywhere(base: string, quote: string, price: string): void {
    for (const source of this.handlers.keys()) this.setPrice(source, base, quote, price);
  }

  /**
   * Starts (or with undefined, clears) a fault, and applies it to the open streams at once: `drop`
   * cuts them, `status` closes them, `garbage` sends them a garbage frame. Hung requests and
   * handshakes are released when the fault changes; when a fault that held prices back (`freeze`,
   * `hang`, `garbage`) ends, subscribers get the current prices again.
   */
  setFault(source: string, fault: Fault | undefined): void {
    const handler = this.handler(source);
    const previous = this.faults.get(source);
    if (fault) this.faults.set(source, fault);
    else this.faults.delete(source);
    if (fault?.kind !== 'hang') this.releaseHung(source);
    const sockets = this.sockets.get(source) ?? new Set<WebSocket>();
    if (isDrop(fault)) for (const socket of sockets) socket.terminate();
    if (fault?.kind === 'status')
      for (const socket of sockets) socket.close(closeCodeFor(fault.status), `Fake status ${fault.status}`);
    if (fault?.kind === 'garbage')
      for (const socket of sockets) if (socket.readyState === WebSocket.OPEN) socket.send(GARBAGE_BODY);
    if (holdsPricesBack(previous) && !holdsPricesBack(fault))
      for (const [key, price] of this.prices.get(source) ?? []) {
        const [base = '', quote = ''] = key.split('/');
        handler.onPriceChange?.(base, quote, price, this.market);
      }
  }

  /**
   * Moves the clock an exchange stamps its prices with by `offsetMs` (negative: in the past, e.g.
   * `-2 * 86_400_000` serves tickers stamped two days ago; 0 clears). The prices stay current and
   * the wire format real. Honoured by okx, the handler that stamps through `exchangeNow`.
   */
  setTimestampOffset(source: string, offsetMs: number): void {
    this.handler(source);
    if (!Number.isFinite(offsetMs))
      throw new RangeError(`timestamp offset ${offsetMs} is not a number of ms`);
    if (offsetMs === 0) this.timestampOffsets.delete(source);
    else this.timestampOffsets.set(source, offsetMs);
  }

  /** Upstream HTTP requests received by one exchange, or by all of them. */
  requestCount(source?: string): number {
    if (source !== undefined) return this.counts.get(source) ?? 0;
    return [...this.counts.values()].reduce((sum, n) => sum + n, 0);
  }

  resetCounts(): void {
    this.counts.clear();
  }

  /** Open WebSocket connections of one exchange. */
  connectionCount(source: string): number {
    return [...(this.sockets.get(source) ?? [])].filter((socket) => socket.readyState === WebSocket.OPEN)
      .length;
  }

  /** Stops listening, ends hung requests and drops every socket. */
  async close(): Promise<void> {
    for (const source of this.handlers.keys()) this.releaseHung(source);
    for (const sockets of this.sockets.values()) for (const socket of sockets) socket.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handler(sourceId: string): ExchangeHandler {
    const handler = this.handlers.get(sourceId);
    if (!handler)
      throw new Error(
        `The fake exchange does not know "${sourceId}" (known: ${this.exchangeIds.join(', ')})`,
      );
    return handler;
  }

  private route(
    rawUrl: string | undefined,
  ): { handler: ExchangeHandler; path: string; url: URL } | undefined {
    const url = new URL(rawUrl ?? '/', 'http://fake-exchange');
    const [, id = '', ...rest] = url.pathname.split('/');
    const handler = this.handlers.get(id);
    return handler ? { handler, path: `/${rest.join('/')}`, url } : undefined;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = this.route(req.url);
    if (!route) {
      if (this.unrouted?.(req, res, this)) return;
      send(res, 404, { error: 'No such fake exchange' });
      return;
    }
    const { handler, path, url } = route;
    this.counts.set(handler.id, (this.counts.get(handler.id) ?? 0) + 1);
    const fault = this.faults.get(handler.id);
    if (fault?.kind === 'hang') {
      this.hold(handler.id, res);
      return;
    }
    if (fault?.kind === 'status') {
      const answer = statusAnswer(handler, fault);
      send(res, answer.status, answer.body, answer.headers);
      return;
    }
    if (fault?.kind === 'garbage') {
      send(res, 200, GARBAGE_BODY, { 'content-type': 'text/html' });
      return;
    }
    const body = await readBody(req);
    try {
      const response = handler.http?.(
        { method: req.method ?? 'GET', path, query: url.searchParams, headers: req.headers, body },
        this.market,
      );
      if (response) send(res, response.status, response.body, response.headers);
      else
        send(res, 404, {
          error: `No route ${req.method ?? 'GET'} ${path} on the fake ${handler.id} exchange`,
        });
    } catch (error) {
      send(res, 500, { error: `The fake ${handler.id} handler failed: ${String(error)}` });
    }
  }

  private onConnection(handler: ExchangeHandler, client: WebSocket, url: URL): void {
    const open = this.sockets.get(handler.id);
    open?.add(client);
    client.on('close', () => open?.delete(client));
    client.on('ping', (data) => {
      if (this.faults.get(handler.id)?.kind !== 'hang') client.pong(data);
    });
    const fault = this.faults.get(handler.id);
    if (isDrop(fault)) {
      client.terminate();
      return;
    }
    if (fault?.kind === 'garbage') client.send(GARBAGE_BODY);
    handler.ws?.onConnection(this.fakeSocket(handler.id, client), this.market, url);
  }

  /** The handler's view of a connection, with the source's stream faults applied to what it sends. */
  private fakeSocket(source: string, client: WebSocket): FakeSocket {
    const deliver = (text: string, isPrice: boolean): void => {
      const kind = this.faults.get(source)?.kind;
      if (client.readyState !== WebSocket.OPEN || kind === 'hang' || (isPrice && kind === 'freeze')) return;
      client.send(kind === 'garbage' ? GARBAGE_BODY : text);
    };
    return {
      send: (text) => deliver(text, false),
      sendPrice: (text) => deliver(text, true),
      close: (code, reason) => client.close(code, reason),
      onMessage: (listener) => client.on('message', (data) => listener(rawToText(data))),
      onClose: (listener) => client.on('close', () => listener()),
    };
  }

  private hold(source: string, request: Hung): void {
    const hung = this.hung.get(source);
    hung?.add(request);
    request.on('close', () => hung?.delete(request));
  }

  private releaseHung(source: string): void {
    const hung = this.hung.get(source);
    for (const request of hung ?? []) request.destroy();
    hung?.clear();
  }
}

const isDrop = (fault: Fault | undefined): boolean => fault?.kind === 'drop' || fault?.kind === 'ws-drop';

/** Faults under which subscribers get no (readable) prices. */
const holdsPricesBack = (fault: Fault | undefined): boolean =>
  fault?.kind === 'freeze' || fault?.kind === 'hang' || fault?.kind === 'garbage';

/** 1013 "Try Again Later" for rate limits and outages, 1008 "Policy Violation" for other refusals. */
const closeCodeFor = (status: number): number => (status === 429 || status >= 500 ? 1013 : 1008);

interface StatusAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/** A `status` fault's answer: the status, the exchange's error body and Retry-After when set. */
function statusAnswer(handler: ExchangeHandler, fault: Extract<Fault, { kind: 'status' }>): StatusAnswer {
  return {
    status: fault.status,
    body: handler.errorBody?.(fault.status) ?? { error: `Fake status ${fault.status}` },
    headers: fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) },
  };
}

/** Answers a WebSocket handshake with an HTTP error instead of switching protocols. */
function refuseUpgrade(socket: Duplex, { status, body, headers }: StatusAnswer): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    `content-type: ${typeof body === 'string' ? 'text/plain' : 'application/json'}`,
    `content-length: ${Buffer.byteLength(text)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    'connection: close',
  ];
  socket.on('error', () => undefined);
  socket.end(`${head.join('\r\n')}\r\n\r\n${text}`);
}

const trimSlash = (path: string): string => path.replace(/\/+$/, '');

/** An exchange's stream answers at its real path (`/binance/ws`) and, for callers that only know the id, at `/binance`. */
const isStreamPath = (path: string, streamPath: string): boolean =>
  trimSlash(path) === trimSlash(streamPath) || trimSlash(path) === '';

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const contentType = typeof body === 'string' ? 'text/plain' : 'application/json';
  res.writeHead(status, { 'content-type': contentType, ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function rawToText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
