/**
 * The fake exchange: one local HTTP + WebSocket server that speaks every price source's real
 * wire format, with prices and faults controlled by tests. It is the only fake in the test suite:
 * it stands in for the outside world these machines cannot reach.
 *
 * Each exchange is one handler module in ./exchanges/<source-id>.ts exporting a factory
 * `export function create<Name>Exchange(): ExchangeHandler` (fresh state per server instance), listed in
 * ./exchanges/index.ts. The server routes
 * `/<source-id>/...` to that handler with the prefix stripped, so a source's configured base URL in
 * tests is `http://127.0.0.1:<port>/<source-id>` and its WebSocket URL
 * `ws://127.0.0.1:<port>/<source-id>/<ws path>`.
 */

export type Fault =
  /**
   * Answer every request with this HTTP status (and a plausible error body for the exchange).
   * Streams: open connections are closed (1013 for 429 and 5xx, else 1008) and new ones refused
   * at the handshake with the same status and body.
   */
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number }
  /** Answer 200 with a body that is not JSON; streams send such text instead of every frame. */
  | { readonly kind: 'garbage' }
  /** Answer 200 with JSON of the wrong shape (as if the exchange changed its API); stream pushes too. */
  | { readonly kind: 'schema' }
  /** Report the price as "0" (REST and stream). */
  | { readonly kind: 'zero' }
  /** Report a negative price (REST and stream). */
  | { readonly kind: 'negative' }
  /**
   * Accept the request and never answer (until the fault is cleared or the server stops). Streams:
   * open connections go silent (no prices, no answers, no pongs) and handshakes are never answered.
   */
  | { readonly kind: 'hang' }
  /** Streams only: cut every connection without a close frame, and each new one right after it opens. */
  | { readonly kind: 'drop' }
  /** Streams only: connections stay open and answer subscriptions, pings and heartbeats, but send no prices. */
  | { readonly kind: 'freeze' }
  /** The older name of `drop`. */
  | { readonly kind: 'ws-drop' };

/** The controllable market every handler reads from. */
export interface Market {
  /** Price of base/quote on this exchange as a decimal string; undefined = unknown pair. */
  price(source: string, base: string, quote: string): string | undefined;
  /** Active fault of this exchange, if any. */
  fault(source: string): Fault | undefined;
  /** Every pair with a price on this exchange (for "all tickers" endpoints). */
  pairs(source: string): ReadonlyArray<{ base: string; quote: string }>;
  /**
   * The exchange's clock, epoch ms, for the times it stamps on its prices: now, moved by
   * `FakeExchange.setTimestampOffset` (e.g. two days back, to serve stale tickers). Read it through
   * `exchangeNow`; markets without it stamp the real time.
   */
  now?(source: string): number;
  /**
   * Counting is done by the server: it counts every request routed to an exchange (faulted, hung
   * and unknown-path ones too) once, so handlers need not call this and a call changes nothing.
   */
  recordRequest(source: string, path: string): void;
}

export interface FakeHttpRequest {
  readonly method: string;
  /** Path after the `/<source-id>` prefix, without query, e.g. "/api/v3/ticker/price". */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

export interface FakeHttpResponse {
  readonly status: number;
  /** Objects are sent as JSON; strings as-is. */
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Minimal view of a server-side WebSocket, so handlers need no `ws` import. */
export interface FakeSocket {
  /** Sends a frame that carries no price: greetings, acks, errors, pongs, heartbeats. */
  send(text: string): void;
  /** Sends a price (a push or a subscription snapshot); the server holds these back under `freeze`. */
  sendPrice(text: string): void;
  close(code?: number, reason?: string): void;
  onMessage(listener: (text: string) => void): void;
  onClose(listener: () => void): void;
}

export interface ExchangeHandler {
  readonly id: string;
  /** Answers a REST request (fault handling for status/garbage/hang is done by the server; handlers apply 'schema', 'zero', 'negative'). Return undefined for 404. */
  http?(req: FakeHttpRequest, market: Market): FakeHttpResponse | undefined;
  /**
   * Body of a `status` fault answer in the exchange's own error format (e.g. binance
   * `{code:-1003,msg}` for 429). Without it the server sends a generic JSON body.
   */
  errorBody?(status: number): unknown;
  /**
   * Serves one WebSocket connection at `/<id><wsPath>`. Prices go out with `sendPrice`, everything
   * else with `send`; the server applies the stream side of every fault but schema/zero/negative.
   */
  readonly ws?: {
    readonly path: string;
    onConnection(socket: FakeSocket, market: Market, url: URL): void;
  };
  /**
   * Called by the server when a price changes (market.setPrice) so stream handlers can push an
   * update to subscribed sockets in the exchange's real message format. `price` is the raw price;
   * apply the exchange's zero/negative fault from `market` before sending.
   */
  onPriceChange?(base: string, quote: string, price: string, market: Market): void;
}
