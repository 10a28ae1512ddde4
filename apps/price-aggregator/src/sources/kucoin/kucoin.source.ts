import type {
  HttpSourceDefinition,
  Pair,
  SourceError,
  SourceErrorKind,
  StreamSourceDefinition,
} from '../price-source.js';
import { hasPlainSymbols, pairError, priceFor } from '../source-price.js';
import { jsonFrame, pricesEvent, schemaError, streamError } from '../stream-frame.js';
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

/**
 * REST: `GET /api/v1/market/orderbook/level1?symbol=BTC-USDT`. KuCoin's only multi-symbol ticker
 * call returns every market (`/market/allTickers`), so one pair per request.
 */
export const kucoinHttp: HttpSourceDefinition<KucoinLevel1Response> = {
  id: 'kucoin',
  defaultBaseUrl: 'https://api.kucoin.com',
  defaultRps: 30,
  /** `time` of the level-1 ticker (REST) and `Time`/`time` of a ticker push (stream), ms. */
  defaultMaxSourceAgeMs: 60_000,
  maxBatchSize: 1,
  requiresApiKey: false,
  supports: hasPlainSymbols,
  buildRequest(pairs) {
    const [pair] = pairs;
    if (!pair || pairs.length > 1) throw new Error(`kucoin takes one pair per request, got ${pairs.length}`);
    return { path: `/api/v1/market/orderbook/level1?symbol=${encodeURIComponent(kucoinSymbol(pair))}` };
  },
  responseSchema: kucoinLevel1ResponseSchema,
  toQuotes(response, pairs) {
    return pairs.map((pair) => {
      if (response.code !== '200000') return { pair, error: apiError(response.code, response.msg ?? '') };
      if (!response.data) return pairError(pair, 'not_found', `kucoin: no ticker for ${kucoinSymbol(pair)}`);
      return priceFor(pair, response.data.price, response.data.time);
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
    const frame = jsonFrame('kucoin', text);
    if (!frame.ok) return frame.error;
    const parsed = kucoinStreamMessageSchema.safeParse(frame.value);
    if (!parsed.success) return schemaError('kucoin', parsed.error);
    const message = parsed.data;
    if (message.type === 'error') {
      const kind = STREAM_ERROR_KINDS[String(message.code)] ?? 'http';
      return streamError('kucoin', kind, `${message.data} (code ${message.code})`);
    }
    if (message.type !== 'message') return { type: 'ignore' };
    const symbol = message.topic.slice(TICKER_TOPIC.length);
    const pair = pairFromKucoinSymbol(symbol);
    if (!pair) return streamError('kucoin', 'unsupported', `cannot read symbol ${symbol}`);
    return pricesEvent([priceFor(pair, message.data.price, message.data.Time ?? message.data.time)]);
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
