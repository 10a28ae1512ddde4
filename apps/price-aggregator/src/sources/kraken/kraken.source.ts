import type { HttpSourceDefinition, Pair, SourceError, StreamSourceDefinition } from '../price-source.js';
import {
  failAll,
  hasPlainSymbols,
  pairError,
  priceFor,
  unknownSymbolError,
  type PriceResult,
} from '../source-price.js';
import { jsonFrame, pricesEvent, schemaError, streamError } from '../stream-frame.js';
import {
  krakenControlMessageSchema,
  krakenMethodResponseSchema,
  krakenTickerMessageSchema,
  krakenTickerResponseSchema,
  type KrakenTickerResponse,
} from './kraken.schema.js';
import {
  krakenPairName,
  krakenResultKeys,
  krakenWsSymbol,
  pairFromKrakenWsSymbol,
} from './kraken.symbols.js';

/**
 * REST: `GET /0/public/Ticker?pair=XBTUSD,ETHUSD`. The answer is keyed by Kraken's own pair names
 * (legacy `XXBTZUSD` for old pairs), mapped back to the requested pair. One unknown pair fails the
 * whole request with `EQuery:Unknown asset pair`.
 */
export const krakenHttp: HttpSourceDefinition<KrakenTickerResponse> = {
  id: 'kraken',
  defaultBaseUrl: 'https://api.kraken.com',
  defaultRps: 1,
  /** The REST Ticker carries no time; a v2 stream ticker's `timestamp`, where given, is its time (tickers follow trades). */
  defaultMaxSourceAgeMs: 60_000,
  maxBatchSize: 50,
  requiresApiKey: false,
  supports: hasPlainSymbols,
  buildRequest(pairs) {
    return { path: `/0/public/Ticker?pair=${pairs.map(krakenPairName).join(',')}` };
  },
  responseSchema: krakenTickerResponseSchema,
  toQuotes(response, pairs) {
    const errors = response.error.filter((entry) => entry.startsWith('E'));
    if (errors.length > 0) return failAll(pairs, apiError(errors, pairs.length));
    const result = response.result ?? {};
    const keys = Object.keys(result);
    return pairs.map((pair) => {
      const key =
        krakenResultKeys(pair).find((candidate) => Object.hasOwn(result, candidate)) ??
        (pairs.length === 1 && keys.length === 1 ? keys[0] : undefined);
      const last = key === undefined ? undefined : result[key]?.c[0];
      if (last === undefined)
        return pairError(pair, 'not_found', `kraken: no ticker for ${krakenPairName(pair)}`);
      return priceFor(pair, last);
    });
  },
};

/** Stream: `wss://ws.kraken.com/v2`, channel `ticker` with common symbols ("BTC/USD"); `last` is a number. */
export const krakenStream: StreamSourceDefinition = {
  id: 'kraken',
  defaultWsUrl: 'wss://ws.kraken.com/v2',
  maxPairsPerMessage: 50,
  subscribeMessages: (pairs) => request('subscribe', pairs),
  unsubscribeMessages: (pairs) => request('unsubscribe', pairs),
  pingMessage: (nowMs) => JSON.stringify({ method: 'ping', req_id: nowMs }),
  parseMessage(text) {
    const parsed = jsonFrame('kraken', text);
    if (!parsed.ok) return parsed.error;
    const frame = parsed.value;
    if ('method' in frame) {
      const answer = krakenMethodResponseSchema.safeParse(frame);
      if (!answer.success) return schemaError('kraken', answer.error);
      if (answer.data.success !== false) return { type: 'ignore' };
      const error = answer.data.error ?? 'request failed';
      const kind = /not supported|not found/i.test(error)
        ? 'not_found'
        : /rate/i.test(error)
          ? 'rate_limited'
          : 'http';
      return streamError('kraken', kind, `${answer.data.method}: ${error}`);
    }
    if (!('channel' in frame) || frame.channel !== 'ticker') {
      const control = krakenControlMessageSchema.safeParse(frame);
      return control.success ? { type: 'ignore' } : schemaError('kraken', control.error);
    }
    const message = krakenTickerMessageSchema.safeParse(frame);
    if (!message.success) return schemaError('kraken', message.error);
    const quotes: PriceResult[] = [];
    for (const ticker of message.data.data) {
      const pair = pairFromKrakenWsSymbol(ticker.symbol);
      if (!pair) return streamError('kraken', 'unsupported', `cannot read symbol ${ticker.symbol}`);
      const timestampMs = ticker.timestamp === undefined ? undefined : Date.parse(ticker.timestamp);
      quotes.push(priceFor(pair, ticker.last, timestampMs));
    }
    return pricesEvent(quotes);
  },
};

function request(method: 'subscribe' | 'unsubscribe', pairs: readonly Pair[]): string[] {
  if (pairs.length === 0) return [];
  return [JSON.stringify({ method, params: { channel: 'ticker', symbol: pairs.map(krakenWsSymbol) } })];
}

function apiError(errors: readonly string[], batchSize: number): SourceError {
  const message = `kraken: ${errors.join(', ')}`;
  if (errors.some((e) => e.startsWith('EAPI:Rate limit') || e.startsWith('EGeneral:Too many'))) {
    return { kind: 'rate_limited', message };
  }
  if (errors.some((e) => e.startsWith('EService:'))) return { kind: 'http', status: 503, message };
  if (errors.some((e) => e.startsWith('EAPI:Invalid key') || e.startsWith('EGeneral:Permission denied'))) {
    return { kind: 'unauthorized', message };
  }
  return errors.includes('EQuery:Unknown asset pair')
    ? unknownSymbolError(message, batchSize)
    : { kind: 'http', message };
}
