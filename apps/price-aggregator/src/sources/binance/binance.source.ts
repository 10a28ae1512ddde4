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
  binanceMiniTickerSchema,
  binanceStreamErrorSchema,
  binanceStreamResultSchema,
  binanceTickerResponseSchema,
  type BinanceError,
  type BinanceTickerResponse,
} from './binance.schema.js';
import { binanceMiniTickerStream, binanceSymbol, pairFromBinanceSymbol } from './binance.symbols.js';

/** Binance symbols are plain upper-case letters and digits. */
const supports = (pair: Pair): boolean =>
  /^[A-Z0-9]{1,20}$/.test(pair.base) && /^[A-Z0-9]{1,20}$/.test(pair.quote);

/**
 * REST: `GET /api/v3/ticker/price?symbol=BTCUSDT`, or for a batch `?symbols=["BTCUSDT","ETHUSDT"]`
 * (URL-encoded JSON), which answers only the symbols asked for. Binance rejects the whole batch
 * when one symbol is unknown. Production host api.binance.com (the reference used binance.us).
 */
export const binanceHttp: HttpSourceDefinition<BinanceTickerResponse> = {
  id: 'binance',
  defaultBaseUrl: 'https://api.binance.com',
  defaultRps: 100,
  maxBatchSize: 100,
  requiresApiKey: false,
  supports,
  buildRequest(pairs) {
    const [only] = pairs;
    if (pairs.length === 1 && only) return { path: `/api/v3/ticker/price?symbol=${binanceSymbol(only)}` };
    const symbols = JSON.stringify(pairs.map(binanceSymbol));
    return { path: `/api/v3/ticker/price?symbols=${encodeURIComponent(symbols)}` };
  },
  responseSchema: binanceTickerResponseSchema,
  toQuotes(response, pairs) {
    if ('code' in response) {
      const error = apiError(response, pairs.length);
      return pairs.map((pair) => ({ pair, error }));
    }
    const tickers = Array.isArray(response) ? response : [response];
    const prices = new Map(tickers.map((ticker) => [ticker.symbol, ticker.price]));
    return pairs.map((pair) => {
      const price = prices.get(binanceSymbol(pair));
      if (price === undefined) {
        return {
          pair,
          error: { kind: 'not_found', message: `binance: no price for ${binanceSymbol(pair)}` },
        };
      }
      return priceOf(pair, price);
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
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return streamError('bad_json', `frame is not JSON: ${text.slice(0, 80)}`);
    }
    if (typeof frame !== 'object' || frame === null) return streamError('schema', 'frame is not an object');
    if ('e' in frame) {
      const ticker = binanceMiniTickerSchema.safeParse(frame);
      if (!ticker.success) return streamError('schema', describe(ticker.error));
      const pair = pairFromBinanceSymbol(ticker.data.s);
      if (!pair) return streamError('unsupported', `cannot tell base and quote of symbol ${ticker.data.s}`);
      const quote = priceOf(pair, ticker.data.c, ticker.data.E);
      return 'error' in quote ? { type: 'error', error: quote.error } : { type: 'prices', prices: [quote] };
    }
    if ('result' in frame) {
      const result = binanceStreamResultSchema.safeParse(frame);
      return result.success ? { type: 'ignore' } : streamError('schema', describe(result.error));
    }
    const rejected = binanceStreamErrorSchema.safeParse(frame);
    if (!rejected.success) return streamError('schema', `unexpected message: ${text.slice(0, 80)}`);
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
  if (code !== -1121) return { kind: 'http', message };
  if (batchSize === 1) return { kind: 'not_found', message };
  return {
    kind: 'http',
    status: 400,
    message: `${message}: one of the ${batchSize} symbols of this batch is unknown; ask for them one by one`,
  };
}

function priceOf(pair: Pair, raw: string, sourceTimestampMs?: number): SourcePrice | SourcePairError {
  const price = normalizeDecimal(raw);
  if (price === undefined || price === '0' || price.startsWith('-')) {
    const message = `binance: price ${JSON.stringify(raw)} of ${pairKey(pair)} is not a positive decimal`;
    return { pair, error: { kind: 'invalid_price', message } };
  }
  return sourceTimestampMs === undefined ? { pair, price } : { pair, price, sourceTimestampMs };
}

const streamError = (kind: SourceErrorKind, message: string): StreamEvent => ({
  type: 'error',
  error: { kind, message: `binance stream: ${message}` },
});

const describe = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
