import { describe, expect, it } from 'vitest';
import { capturedFixtures } from '../fixtures/captured-fixtures.js';
import type { Pair } from '../price-source.js';
import { coinbaseHttp, coinbaseStream } from './coinbase.source.js';
import { coinbase } from './index.js';

const fixtures = capturedFixtures(import.meta.url);
const fixture = fixtures.read;
const BTC: Pair = { base: 'BTC', quote: 'USD' };
const ETH: Pair = { base: 'ETH', quote: 'USD' };

const quotes = (body: unknown, pairs: readonly Pair[]) =>
  coinbaseHttp.toQuotes(coinbaseHttp.responseSchema.parse(body), pairs);
const parse = (text: string) => coinbaseStream.parseMessage(text, 0);
const productWithPrice = (price: string) => ({
  products: [{ product_id: 'BTC-USD', price }],
  num_products: 1,
});

describe('coinbase REST', () => {
  it('asks the public product list for exactly the pairs wanted', () => {
    const path = coinbaseHttp.buildRequest([BTC, ETH], {}).path;
    const url = new URL(path, 'https://api.coinbase.com');
    expect(url.pathname).toBe('/api/v3/brokerage/market/products');
    expect(url.searchParams.getAll('product_ids')).toEqual(['BTC-USD', 'ETH-USD']);
    expect(coinbaseHttp.requiresApiKey).toBe(false);
  });

  it('reads the single and the batch answer in the order asked', () => {
    expect(quotes(JSON.parse(fixture('products-single.json')), [BTC])).toEqual([
      { pair: BTC, price: '64912.35' },
    ]);
    expect(quotes(JSON.parse(fixture('products-batch.json')), [ETH, BTC])).toEqual([
      { pair: ETH, price: '3456.78' },
      { pair: BTC, price: '64912.35' },
    ]);
  });

  it('reports products left out of the answer as not_found, and maps error bodies', () => {
    expect(quotes(JSON.parse(fixture('products-single.json')), [BTC, ETH])[1]).toMatchObject({
      pair: ETH,
      error: { kind: 'not_found' },
    });
    expect(quotes(JSON.parse(fixture('error-not-found.json')), [BTC])).toEqual([
      {
        pair: BTC,
        error: { kind: 'not_found', message: 'coinbase: ProductID FOO-USD could not be found (NOT_FOUND)' },
      },
    ]);
    expect(quotes({ error: 'RESOURCE_EXHAUSTED', message: 'too many' }, [BTC])[0]).toMatchObject({
      error: { kind: 'rate_limited' },
    });
    expect(quotes({ error: 'UNAUTHENTICATED' }, [BTC])[0]).toMatchObject({ error: { kind: 'unauthorized' } });
  });

  it('rejects zero, negative, empty and non-numeric prices as invalid_price', () => {
    for (const price of ['0', '0.00', '-1', '', 'n/a']) {
      expect(quotes(productWithPrice(price), [BTC])[0], price).toMatchObject({
        error: { kind: 'invalid_price' },
      });
    }
  });

  it('fails the schema when the product shape changes', () => {
    expect(
      coinbaseHttp.responseSchema.safeParse({ products: [{ product_id: 'BTC-USD', last_price: '1' }] })
        .success,
    ).toBe(false);
    expect(coinbaseHttp.responseSchema.safeParse({ data: { amount: '1' } }).success).toBe(false);
  });
});

describe('coinbase stream', () => {
  it('joins heartbeats and subscribes the ticker channel', () => {
    expect(coinbaseStream.subscribeMessages([BTC, ETH], {}).map((m) => JSON.parse(m))).toEqual([
      { type: 'subscribe', channel: 'heartbeats' },
      { type: 'subscribe', product_ids: ['BTC-USD', 'ETH-USD'], channel: 'ticker' },
    ]);
    expect(coinbaseStream.unsubscribeMessages([BTC], {}).map((m) => JSON.parse(m))).toEqual([
      { type: 'unsubscribe', product_ids: ['BTC-USD'], channel: 'ticker' },
    ]);
  });

  it('reads a ticker with the message time', () => {
    expect(parse(fixture('stream-ticker.json'))).toEqual({
      type: 'prices',
      prices: [{ pair: BTC, price: '64912.35', sourceTimestampMs: Date.parse('2024-06-10T06:13:20.123Z') }],
    });
  });

  it('ignores subscriptions and heartbeats, reports errors', () => {
    expect(parse(fixture('stream-subscriptions.json'))).toEqual({ type: 'ignore' });
    expect(parse(fixture('stream-heartbeats.json'))).toEqual({ type: 'ignore' });
    expect(parse(fixture('stream-error.json'))).toMatchObject({ type: 'error', error: { kind: 'http' } });
    expect(
      parse('{"type":"error","message":"Failed to subscribe: product FOO-USD not found"}'),
    ).toMatchObject({
      error: { kind: 'not_found' },
    });
  });

  it('turns garbage, changed shapes and bad prices into error events', () => {
    expect(parse('{"channel":')).toMatchObject({ type: 'error', error: { kind: 'bad_json' } });
    const message = JSON.parse(fixture('stream-ticker.json'));
    message.events[0].tickers[0].price = '0';
    expect(parse(JSON.stringify(message))).toMatchObject({ type: 'error', error: { kind: 'invalid_price' } });
    message.events[0].tickers[0].price = 64912.35;
    expect(parse(JSON.stringify(message))).toMatchObject({
      type: 'error',
      error: { kind: 'schema', message: expect.stringContaining('events.0.tickers.0.price') },
    });
    expect(parse('{"channel":"level2","sequence_num":1,"events":[]}')).toMatchObject({
      error: { kind: 'schema' },
    });
  });
});

describe('coinbase fixtures', () => {
  const rest = (text: string) => coinbaseHttp.responseSchema.safeParse(JSON.parse(text)).success;
  const parsers: Record<string, (text: string) => boolean> = {
    'products-single.json': rest,
    'products-batch.json': rest,
    'error-not-found.json': rest,
    'stream-ticker.json': (text) => parse(text).type === 'prices',
    'stream-subscriptions.json': (text) => parse(text).type === 'ignore',
    'stream-heartbeats.json': (text) => parse(text).type === 'ignore',
    'stream-error.json': (text) => parse(text).type === 'error',
  };

  it('every fixture is understood', () => fixtures.expectEachUnderstood(parsers));

  it('exports the module with both definitions', () => {
    expect(coinbase.http.defaultRps).toBe(2.8);
    expect(coinbase.stream?.defaultWsUrl).toBe('wss://advanced-trade-ws.coinbase.com');
  });
});

describe('coinbase source timestamp', () => {
  it('has none over REST; stamps stream quotes with the message timestamp, bounded to 60 s by default', () => {
    const [rest] = quotes(JSON.parse(fixture('products-single.json')), [BTC]);
    expect(rest).not.toHaveProperty('sourceTimestampMs');
    const push = JSON.parse(fixture('stream-ticker.json'));
    push.timestamp = '2024-06-08T06:13:20.123456789Z';
    expect(parse(JSON.stringify(push))).toMatchObject({
      prices: [{ sourceTimestampMs: Date.UTC(2024, 5, 8, 6, 13, 20, 123) }],
    });
    expect(coinbaseHttp.defaultMaxSourceAgeMs).toBe(60_000);
  });

  it('turns a timestamp that is no RFC 3339 time into a schema error', () => {
    for (const timestamp of ['yesterday', '2024-02-30T06:13:20Z', '2024-06-08 06:13:20', '', 1718000000]) {
      const push = JSON.parse(fixture('stream-ticker.json'));
      push.timestamp = timestamp;
      expect(parse(JSON.stringify(push)), String(timestamp)).toMatchObject({
        type: 'error',
        error: { kind: 'schema' },
      });
    }
  });
});
