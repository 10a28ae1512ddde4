import type { HttpSourceDefinition, Pair, SourceError, StreamSourceDefinition } from '../price-source.js';
import { failAll, hasPlainSymbols, pairError, priceFor, unknownSymbolError } from '../source-price.js';
import { jsonFrame, pricesEvent, schemaError, streamError } from '../stream-frame.js';
import {
  binanceMiniTickerSchema,
  binanceStreamErrorSchema,
  binanceStreamResultSchema,
  binanceTickerResponseSchema,
  type BinanceError,
  type BinanceTickerResponse,
} from './binance.schema.js';
import { binanceMiniTickerStream, binanceSymbol, pairFromBinanceSymbol } from './binance.symbols.js';

/**
 * REST: `GET /api/v3/ticker/price?symbol=BTCUSDT`, or for a batch `?symbols=["BTCUSDT","ETHUSDT"]`
 * (URL-encoded JSON), which answers only the symbols asked for. Binance rejects the whole batch
 * when one symbol is unknown. Production host api.binance.com (the reference used binance.us).
 */
export const binanceHttp: HttpSourceDefinition<BinanceTickerResponse> = {
  id: 'binance',
  defaultBaseUrl: 'https://api.binance.com',
  defaultRps: 100,
  /** REST tickers carry no time; a stream mini-ticker's `E` is its event time (pushed up to every second). */
  defaultMaxSourceAgeMs: 60_000,
  maxBatchSize: 100,
  requiresApiKey: false,
  supports: hasPlainSymbols,
  buildRequest(pairs) {
    const [only] = pairs;
    if (pairs.length === 1 && only) return { path: `/api/v3/ticker/price?symbol=${binanceSymbol(only)}` };
    const symbols = JSON.stringify(pairs.map(binanceSymbol));
    return { path: `/api/v3/ticker/price?symbols=${encodeURIComponent(symbols)}` };
  },
  responseSchema: binanceTickerResponseSchema,
  toQuotes(response, pairs) {
    if ('code' in response) return failAll(pairs, apiError(response, pairs.length));
    const tickers = Array.isArray(response) ? response : [response];
    const prices = new Map(tickers.map((ticker) => [ticker.symbol, ticker.price]));
    return pairs.map((pair) => {
      const price = prices.get(binanceSymbol(pair));
      if (price === undefined)
        return pairError(pair, 'not_found', `binance: no price for ${binanceSymbol(pair)}`);
      return priceFor(pair, price);
    });
  },
};

/** Stream: `wss://stream.binance.com:9443/ws`, SUBSCRIBE to `<symbol>@miniTicker`; `c` is the last price. */
export const binanceStream: StreamSourceDefinition = {
  id: 'binance',
  defaultWsUrl: 'wss://stream.binance.com:9443/ws',
  maxPairsPerMessage: 50,
  subscribeMessages: (pairs) => streamRequest('SUBSCRIBE', 1, pairs),
  unsubscribeMessages: (pairs) => streamRequest('UNSUBSCRIBE', 2, pairs),
  parseMessage(text) {
    const parsed = jsonFrame('binance', text);
    if (!parsed.ok) return parsed.error;
    const frame = parsed.value;
    if ('e' in frame) {
      const ticker = binanceMiniTickerSchema.safeParse(frame);
      if (!ticker.success) return schemaError('binance', ticker.error);
      const pair = pairFromBinanceSymbol(ticker.data.s);
      if (!pair)
        return streamError('binance', 'unsupported', `cannot tell base and quote of symbol ${ticker.data.s}`);
      return pricesEvent([priceFor(pair, ticker.data.c, ticker.data.E)]);
    }
    if ('result' in frame) {
      const result = binanceStreamResultSchema.safeParse(frame);
      return result.success ? { type: 'ignore' } : schemaError('binance', result.error);
    }
    const rejected = binanceStreamErrorSchema.safeParse(frame);
    if (!rejected.success)
      return streamError('binance', 'schema', `unexpected message: ${text.slice(0, 80)}`);
    return { type: 'error', error: apiError(rejected.data.error, 1) };
  },
};

function streamRequest(method: 'SUBSCRIBE' | 'UNSUBSCRIBE', id: number, pairs: readonly Pair[]): string[] {
  return pairs.length === 0
    ? []
    : [JSON.stringify({ method, params: pairs.map(binanceMiniTickerStream), id })];
}

function apiError({ code, msg }: BinanceError, batchSize: number): SourceError {
  const message = `binance: ${msg} (code ${code})`;
  if (code === -1003) return { kind: 'rate_limited', message };
  if (code === -2014 || code === -2015) return { kind: 'unauthorized', message };
  return code === -1121 ? unknownSymbolError(message, batchSize) : { kind: 'http', message };
}
