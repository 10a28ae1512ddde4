/**
 * The contract between the 13 source folders and the rest of the aggregator.
 *
 * A source is a *definition*, not a subclass: pure functions that build requests and turn
 * parsed responses into quotes. One shared runner (src/sources/http-source-runner.ts) does the
 * I/O: timeouts, retries with backoff, per-host rate limits, proxies, metrics. One shared stream
 * client (src/streams/) does WebSocket connect, reconnect-forever with backoff, heartbeats and
 * resubscription. A source folder never does I/O itself, so everything in it is unit-testable
 * against its captured fixtures.
 */
import type { z } from 'zod';
import type { SourceId } from '@oracle/config';

export type { SourceId } from '@oracle/config';

/** Upper-case symbols as the aggregator's clients spell them ("BTC", "USD"). */
export interface Pair {
  readonly base: string;
  readonly quote: string;
}

export const pairKey = (pair: Pair): string => `${pair.base}/${pair.quote}`;

/** What a source says about one pair. `price` is a normalised positive decimal string, never a sentinel. */
export interface SourcePrice {
  readonly pair: Pair;
  readonly price: string;
  /** The exchange's own timestamp of the price, epoch ms, when the response carries one. */
  readonly sourceTimestampMs?: number;
}

/** Per-pair failure inside an otherwise good response (e.g. unknown symbol in a batch). */
export interface SourcePairError {
  readonly pair: Pair;
  readonly error: SourceError;
}

export type SourceErrorKind =
  | 'network' // connection refused/reset, DNS
  | 'timeout' // no answer within timeoutMs
  | 'rate_limited' // 429 or the API's own "slow down" body
  | 'unauthorized' // 401/403, missing or bad API key
  | 'not_found' // the source does not know the pair
  | 'http' // any other non-2xx status
  | 'bad_json' // body is not JSON
  | 'schema' // JSON does not match the source's response schema (API drift)
  | 'invalid_price' // zero, negative, non-numeric price
  | 'unsupported'; // e.g. the source cannot quote this pair at all

export interface SourceError {
  readonly kind: SourceErrorKind;
  /** Human-readable, never containing secrets (no URLs with api keys, no headers). */
  readonly message: string;
  readonly status?: number;
  /** Retry-After in ms when the source gave one. */
  readonly retryAfterMs?: number;
}

/** A request described as data, so building it is pure and testable. */
export interface HttpRequestSpec {
  readonly method?: 'GET' | 'POST';
  /** Path and query relative to the base URL, e.g. "/api/v3/ticker/price?symbol=BTCUSDT". */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface SourceContext {
  /** Resolved API key, if the source has one configured. */
  readonly apiKey?: string;
  /** REST base URL in use (configured or default), for sources whose auth depends on the host (CoinGecko pro vs demo). */
  readonly baseUrl?: string;
}

export interface HttpSourceDefinition<TResponse = unknown> {
  readonly id: SourceId;
  /** Default REST base URL (production); overridden by `sources.<id>.baseUrl`. */
  readonly defaultBaseUrl: string;
  /** Default requests per second towards the host (null = no limit). */
  readonly defaultRps: number | null;
  /**
   * How old the source's own timestamp of a quote (`sourceTimestampMs`, REST and stream alike) may be
   * before the quote stops counting in aggregates (`stale_at_source`); overridden by
   * `sources.<id>.maxSourceAgeMs`. Each definition says why its value.
   */
  readonly defaultMaxSourceAgeMs: number;
  /** How many pairs one request may carry; 1 = no batching. */
  readonly maxBatchSize: number;
  /**
   * Pairs share a request only when their keys are equal (frankfurter and exchangerate-host take
   * one base currency per request). Absent = any pairs may share a request. Pure.
   */
  batchKey?(pair: Pair): string;
  /** Whether an API key is mandatory. */
  readonly requiresApiKey: boolean;
  /**
   * Whether the source can quote this pair at all (e.g. frankfurter only fiat, coingecko only
   * mapped ids). Pure. Pairs it cannot quote fail fast with kind 'unsupported'.
   */
  supports(pair: Pair): boolean;
  /** Builds one request for 1..maxBatchSize pairs. Pure. */
  buildRequest(pairs: readonly Pair[], ctx: SourceContext): HttpRequestSpec;
  /** zod schema of the response body; a mismatch is a 'schema' error naming the source and path. */
  readonly responseSchema: z.ZodType<TResponse>;
  /**
   * Maps a parsed response to one result per requested pair. Pure. API-level errors carried in
   * a 200 body (e.g. alphavantage "Note", kraken "error": [...]) become SourceErrors here.
   */
  toQuotes(response: TResponse, pairs: readonly Pair[]): Array<SourcePrice | SourcePairError>;
}

/** What a stream message means. */
export type StreamEvent =
  | { readonly type: 'prices'; readonly prices: readonly SourcePrice[] }
  | { readonly type: 'ignore' } // acks, heartbeats, subscription confirmations
  | { readonly type: 'error'; readonly error: SourceError };

export interface StreamSourceDefinition {
  readonly id: SourceId;
  /** Default WebSocket URL (production); overridden by `sources.<id>.wsUrl`. */
  readonly defaultWsUrl: string;
  /** Max pairs per subscribe message. */
  readonly maxPairsPerMessage: number;
  /**
   * Some exchanges put the subscription in the URL (binance combined streams); return the URL to
   * connect to for a set of pairs, or the base URL unchanged. Pure.
   */
  connectUrl?(baseWsUrl: string, pairs: readonly Pair[], ctx: SourceContext): string;
  /**
   * For exchanges that hand out the WebSocket endpoint and a token over REST first (KuCoin's
   * bullet-public): the runner performs this request against the REST base URL before every
   * connect and connects to the URL it yields.
   */
  readonly negotiate?: {
    request(ctx: SourceContext): HttpRequestSpec;
    readonly responseSchema: z.ZodType<unknown>;
    /** `configuredWsUrl` is `sources.<id>.wsUrl` when set (tests), which then wins over the negotiated host. */
    connectUrl(response: unknown, configuredWsUrl: string | undefined): string;
  };
  /** Messages (text) to send after connecting, to subscribe `pairs`. Pure. */
  subscribeMessages(pairs: readonly Pair[], ctx: SourceContext): string[];
  /** Messages to unsubscribe `pairs`. Pure. */
  unsubscribeMessages(pairs: readonly Pair[], ctx: SourceContext): string[];
  /** Application-level ping (text), for exchanges that want one (okx "ping", kucoin/bybit JSON pings). */
  pingMessage?(nowMs: number): string;
  /** Parses one text frame. Pure; garbage becomes an 'error' event, never an exception. */
  parseMessage(text: string, nowMs: number): StreamEvent;
}

/** One folder per source exports one of these. */
export interface PriceSourceModule {
  readonly http: HttpSourceDefinition<unknown>;
  readonly stream?: StreamSourceDefinition;
}
