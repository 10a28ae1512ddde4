import type { HttpSourceDefinition, Pair, SourceError, StreamSourceDefinition } from '../price-source.js';
import { failAll, hasPlainSymbols, pairError, priceFor, type PriceResult } from '../source-price.js';
import { jsonFrame, pricesEvent, schemaError, streamError } from '../stream-frame.js';
import {
  coinbaseControlMessageSchema,
  coinbaseProductsResponseSchema,
  coinbaseStreamErrorSchema,
  coinbaseTickerMessageSchema,
  type CoinbaseError,
  type CoinbaseProductsResponse,
} from './coinbase.schema.js';
import { coinbaseProductId, pairFromCoinbaseProductId } from './coinbase.symbols.js';

/**
 * REST: the public (no key) Advanced Trade product list, filtered to the pairs asked for:
 * `GET /api/v3/brokerage/market/products?product_ids=BTC-USD&product_ids=ETH-USD`. Products
 * Coinbase does not list are left out of the answer and come back as not_found.
 */
export const coinbaseHttp: HttpSourceDefinition<CoinbaseProductsResponse> = {
  id: 'coinbase',
  defaultBaseUrl: 'https://api.coinbase.com',
  defaultRps: 2.8,
  /** The REST product list carries no time; a stream ticker message's `timestamp` is its time. */
  defaultMaxSourceAgeMs: 60_000,
  maxBatchSize: 50,
  requiresApiKey: false,
  supports: hasPlainSymbols,
  buildRequest(pairs) {
    const query = pairs.map((pair) => `product_ids=${encodeURIComponent(coinbaseProductId(pair))}`).join('&');
    return { path: `/api/v3/brokerage/market/products?${query}` };
  },
  responseSchema: coinbaseProductsResponseSchema,
  toQuotes(response, pairs) {
    if ('error' in response) return failAll(pairs, apiError(response));
    const prices = new Map(response.products.map((product) => [product.product_id, product.price]));
    return pairs.map((pair) => {
      const price = prices.get(coinbaseProductId(pair));
      if (price === undefined)
        return pairError(pair, 'not_found', `coinbase: no product ${coinbaseProductId(pair)}`);
      return priceFor(pair, price);
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
    const parsed = jsonFrame('coinbase', text);
    if (!parsed.ok) return parsed.error;
    const frame = parsed.value;
    if ('type' in frame && frame.type === 'error') {
      const rejected = coinbaseStreamErrorSchema.safeParse(frame);
      if (!rejected.success) return schemaError('coinbase', rejected.error);
      const notFound = /not found|invalid product/i.test(rejected.data.message);
      return streamError('coinbase', notFound ? 'not_found' : 'http', rejected.data.message);
    }
    if (!('channel' in frame) || frame.channel !== 'ticker') {
      const control = coinbaseControlMessageSchema.safeParse(frame);
      return control.success ? { type: 'ignore' } : schemaError('coinbase', control.error);
    }
    const message = coinbaseTickerMessageSchema.safeParse(frame);
    if (!message.success) return schemaError('coinbase', message.error);
    const timestampMs = Date.parse(message.data.timestamp);
    const quotes: PriceResult[] = [];
    for (const ticker of message.data.events.flatMap((event) => event.tickers)) {
      const pair = pairFromCoinbaseProductId(ticker.product_id);
      if (!pair) return streamError('coinbase', 'unsupported', `${ticker.product_id} is not a spot pair`);
      quotes.push(priceFor(pair, ticker.price, timestampMs));
    }
    return pricesEvent(quotes);
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
