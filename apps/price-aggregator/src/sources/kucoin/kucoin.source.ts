import { normalizeDecimal } from '@oracle/core';
import type { z } from 'zod';
import {
  pairKey,
  type HttpSourceDefinition,
  type Pair,
  type SourceError,
  type SourceErrorKind,
  type SourcePairError,
  type SourcePrice,
  type StreamEvent,
  type StreamSourceDefinition,
} from '../price-source.js';
import {
  kucoinBulletResponseSchema,
  kucoinLevel1ResponseSchema,
  kucoinStreamMessageSchema,
  type KucoinLevel1Response,
} from './kucoin.schema.js';
import { kucoinSymbol, pairFromKucoinSymbol } from './kucoin.symbols.js';

const TICKER_TOPIC = '/market/ticker:';
/** Stream error codes: 404 unknown topic, 509 too many requests. */
const STREAM_ERROR_KINDS: Readonly<Record<string, SourceErrorKind>> = {
  '404': 'not_found',
  '509': 'rate_limited',
};
const supports = (pair: Pair): boolean =>
  /^[A-Z0-9]{1,20}$/.test(pair.base) && /^[A-Z0-9]{1,20}$/.test(pair.quote);

/**
 * REST: `GET /api/v1/market/orderbook/level1?symbol=BTC-USDT`. KuCoin's only multi-symbol ticker
 * call returns every market (`/market/allTickers`), so one pair per request.
 */
export const kucoinHttp: HttpSourceDefinition<KucoinLevel1Response> = {
  id: 'kucoin',
  defaultBaseUrl: 'https://api.kucoin.com',
  defaultRps: 30,
  maxBatchSize: 1,
  requiresApiKey: false,
  supports,
  buildRequest(pairs) {
    const [pair] = pairs;
    if (!pair || pairs.length > 1) throw new Error(`kucoin takes one pair per request, got ${pairs.length}`);
    return { path: `/api/v1/market/orderbook/level1?symbol=${encodeURIComponent(kucoinSymbol(pair))}` };
  },
  responseSchema: kucoinLevel1ResponseSchema,
  toQuotes(response, pairs) {
    return pairs.map((pair) => {
      if (response.code !== '200000') return { pair, error: apiError(response.code, response.msg ?? '') };
      if (!response.data)
        return { pair, error: { kind: 'not_found', message: `kucoin: no ticker for ${kucoinSymbol(pair)}` } };
      return priceOf(pair, response.data.price, response.data.time);
    });
  },
};

/**
 * Stream: the endpoint and a token come from `POST /api/v1/bullet-public` before every connect;
 * topic `/market/ticker:BTC-USDT,ETH-USDT` (up to 100 symbols); JSON pings keep it open.
 */
export const kucoinStream: StreamSourceDefinition = {
  id: 'kucoin',
  defaultWsUrl: 'wss://ws-api-spot.kucoin.com/',
  maxPairsPerMessage: 100,
  negotiate: {
    request: () => ({ method: 'POST', path: '/api/v1/bullet-public' }),
    responseSchema: kucoinBulletResponseSchema,
    connectUrl(response, configuredWsUrl) {
      const { token, instanceServers } = kucoinBulletResponseSchema.parse(response).data;
      const [server] = instanceServers;
      if (!server) throw new Error('kucoin: bullet-public named no stream server');
      const url = new URL(configuredWsUrl ?? server.endpoint);
      url.searchParams.set('token', token);
      return url.toString();
    },
  },
  subscribeMessages: (pairs) => request('subscribe', '1', pairs),
  unsubscribeMessages: (pairs) => request('unsubscribe', '2', pairs),
  pingMessage: (nowMs) => JSON.stringify({ id: String(nowMs), type: 'ping' }),
  parseMessage(text) {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return streamError('bad_json', `frame is not JSON: ${text.slice(0, 80)}`);
    }
    const parsed = kucoinStreamMessageSchema.safeParse(frame);
    if (!parsed.success) return streamError('schema', describe(parsed.error));
    const message = parsed.data;
    if (message.type === 'error') {
      const kind = STREAM_ERROR_KINDS[String(message.code)] ?? 'http';
      return streamError(kind, `${message.data} (code ${message.code})`);
    }
    if (message.type !== 'message') return { type: 'ignore' };
    const symbol = message.topic.slice(TICKER_TOPIC.length);
    const pair = pairFromKucoinSymbol(symbol);
    if (!pair) return streamError('unsupported', `cannot read symbol ${symbol}`);
    const quote = priceOf(pair, message.data.price, message.data.Time ?? message.data.time);
    return 'error' in quote ? { type: 'error', error: quote.error } : { type: 'prices', prices: [quote] };
  },
};

function request(type: 'subscribe' | 'unsubscribe', id: string, pairs: readonly Pair[]): string[] {
  if (pairs.length === 0) return [];
  const topic = `${TICKER_TOPIC}${pairs.map(kucoinSymbol).join(',')}`;
  return [JSON.stringify({ id, type, topic, privateChannel: false, response: true })];
}

/** KuCoin codes: 429000 too many requests, 4000xx API key problems (never sent by public calls). */
function apiError(code: string, msg: string): SourceError {
  const message = `kucoin: ${msg || 'request failed'} (code ${code})`;
  if (code === '429000') return { kind: 'rate_limited', message };
  if (/^40000[1-5]$/.test(code)) return { kind: 'unauthorized', message };
  return { kind: 'http', message };
}

function priceOf(pair: Pair, raw: string, sourceTimestampMs?: number): SourcePrice | SourcePairError {
  const price = normalizeDecimal(raw);
  if (price === undefined || price === '0' || price.startsWith('-')) {
    const message = `kucoin: price ${JSON.stringify(raw)} of ${pairKey(pair)} is not a positive decimal`;
    return { pair, error: { kind: 'invalid_price', message } };
  }
  return sourceTimestampMs === undefined ? { pair, price } : { pair, price, sourceTimestampMs };
}

const streamError = (kind: SourceErrorKind, message: string): StreamEvent => ({
  type: 'error',
  error: { kind, message: `kucoin stream: ${message}` },
});

const describe = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
