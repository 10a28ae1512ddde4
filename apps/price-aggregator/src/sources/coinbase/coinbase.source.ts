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
  coinbaseControlMessageSchema,
  coinbaseProductsResponseSchema,
  coinbaseStreamErrorSchema,
  coinbaseTickerMessageSchema,
  type CoinbaseError,
  type CoinbaseProductsResponse,
} from './coinbase.schema.js';
import { coinbaseProductId, pairFromCoinbaseProductId } from './coinbase.symbols.js';

const supports = (pair: Pair): boolean =>
  /^[A-Z0-9]{1,20}$/.test(pair.base) && /^[A-Z0-9]{1,20}$/.test(pair.quote);

/**
 * REST: the public (no key) Advanced Trade product list, filtered to the pairs asked for:
 * `GET /api/v3/brokerage/market/products?product_ids=BTC-USD&product_ids=ETH-USD`. Products
 * Coinbase does not list are left out of the answer and come back as not_found.
 */
export const coinbaseHttp: HttpSourceDefinition<CoinbaseProductsResponse> = {
  id: 'coinbase',
  defaultBaseUrl: 'https://api.coinbase.com',
  defaultRps: 2.8,
  maxBatchSize: 50,
  requiresApiKey: false,
  supports,
  buildRequest(pairs) {
    const query = pairs.map((pair) => `product_ids=${encodeURIComponent(coinbaseProductId(pair))}`).join('&');
    return { path: `/api/v3/brokerage/market/products?${query}` };
  },
  responseSchema: coinbaseProductsResponseSchema,
  toQuotes(response, pairs) {
    if ('error' in response) {
      const error = apiError(response);
      return pairs.map((pair) => ({ pair, error }));
    }
    const prices = new Map(response.products.map((product) => [product.product_id, product.price]));
    return pairs.map((pair) => {
      const price = prices.get(coinbaseProductId(pair));
      if (price === undefined) {
        return {
          pair,
          error: { kind: 'not_found', message: `coinbase: no product ${coinbaseProductId(pair)}` },
        };
      }
      return priceOf(pair, price);
    });
  },
};

/**
 * Stream: `wss://advanced-trade-ws.coinbase.com`, channel `ticker` per product id. Coinbase closes
 * channels that stay quiet for 60-90 s, so every subscription also joins `heartbeats` (one message
 * a second), which keeps the connection open and gives the client's liveness check traffic.
 */
export const coinbaseStream: StreamSourceDefinition = {
  id: 'coinbase',
  defaultWsUrl: 'wss://advanced-trade-ws.coinbase.com',
  maxPairsPerMessage: 50,
  subscribeMessages: (pairs) =>
    pairs.length === 0
      ? []
      : [JSON.stringify({ type: 'subscribe', channel: 'heartbeats' }), request('subscribe', pairs)],
  unsubscribeMessages: (pairs) => (pairs.length === 0 ? [] : [request('unsubscribe', pairs)]),
  parseMessage(text) {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return streamError('bad_json', `frame is not JSON: ${text.slice(0, 80)}`);
    }
    if (typeof frame !== 'object' || frame === null) return streamError('schema', 'frame is not an object');
    if ('type' in frame && frame.type === 'error') {
      const rejected = coinbaseStreamErrorSchema.safeParse(frame);
      if (!rejected.success) return streamError('schema', describe(rejected.error));
      const notFound = /not found|invalid product/i.test(rejected.data.message);
      return streamError(notFound ? 'not_found' : 'http', rejected.data.message);
    }
    if (!('channel' in frame) || frame.channel !== 'ticker') {
      const control = coinbaseControlMessageSchema.safeParse(frame);
      return control.success ? { type: 'ignore' } : streamError('schema', describe(control.error));
    }
    const message = coinbaseTickerMessageSchema.safeParse(frame);
    if (!message.success) return streamError('schema', describe(message.error));
    const timestampMs = Date.parse(message.data.timestamp);
    const prices: SourcePrice[] = [];
    let invalid: SourcePairError | undefined;
    for (const ticker of message.data.events.flatMap((event) => event.tickers)) {
      const pair = pairFromCoinbaseProductId(ticker.product_id);
      if (!pair) return streamError('unsupported', `${ticker.product_id} is not a spot pair`);
      const quote = priceOf(pair, ticker.price, Number.isNaN(timestampMs) ? undefined : timestampMs);
      if ('error' in quote) invalid = quote;
      else prices.push(quote);
    }
    if (prices.length === 0 && invalid) return { type: 'error', error: invalid.error };
    return { type: 'prices', prices };
  },
};

function request(type: 'subscribe' | 'unsubscribe', pairs: readonly Pair[]): string {
  return JSON.stringify({ type, product_ids: pairs.map(coinbaseProductId), channel: 'ticker' });
}

function apiError({ error, message }: CoinbaseError): SourceError {
  const text = `coinbase: ${message ?? error} (${error})`;
  if (error === 'NOT_FOUND') return { kind: 'not_found', message: text };
  if (error === 'RESOURCE_EXHAUSTED') return { kind: 'rate_limited', message: text };
  if (error === 'UNAUTHENTICATED' || error === 'PERMISSION_DENIED')
    return { kind: 'unauthorized', message: text };
  return { kind: 'http', message: text };
}

function priceOf(pair: Pair, raw: string, sourceTimestampMs?: number): SourcePrice | SourcePairError {
  const price = normalizeDecimal(raw);
  if (price === undefined || price === '0' || price.startsWith('-')) {
    const message = `coinbase: price ${JSON.stringify(raw)} of ${pairKey(pair)} is not a positive decimal`;
    return { pair, error: { kind: 'invalid_price', message } };
  }
  return sourceTimestampMs === undefined ? { pair, price } : { pair, price, sourceTimestampMs };
}

const streamError = (kind: SourceErrorKind, message: string): StreamEvent => ({
  type: 'error',
  error: { kind, message: `coinbase stream: ${message}` },
});

const describe = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
