import { describe, expect, it } from 'vitest';
import { capturedFixtures } from '../fixtures/captured-fixtures.js';
import type { Pair } from '../price-source.js';
import { binanceHttp, binanceStream } from './binance.source.js';
import { binance } from './index.js';

const fixtures = capturedFixtures(import.meta.url);
const fixture = fixtures.read;
const BTC: Pair = { base: 'BTC', quote: 'USDT' };
const ETH: Pair = { base: 'ETH', quote: 'USDT' };

const quotes = (body: unknown, pairs: readonly Pair[]) =>
  binanceHttp.toQuotes(binanceHttp.responseSchema.parse(body), pairs);
const parse = (text: string) => binanceStream.parseMessage(text, 0);

describe('binance REST', () => {
  it('asks for one symbol, or for exactly the batch as a URL-encoded JSON list', () => {
    expect(binanceHttp.buildRequest([BTC], {}).path).toBe('/api/v3/ticker/price?symbol=BTCUSDT');
    const batch = binanceHttp.buildRequest([BTC, ETH], {}).path;
    const url = new URL(batch, 'https://api.binance.com');
    expect(url.pathname).toBe('/api/v3/ticker/price');
    expect(url.searchParams.get('symbols')).toBe('["BTCUSDT","ETHUSDT"]');
    expect(batch).not.toMatch(/[[\]"]/);
    expect(binanceHttp.defaultBaseUrl).toBe('https://api.binance.com');
  });

  it('reads the single and the batch answer, normalising prices', () => {
    expect(quotes(JSON.parse(fixture('ticker-price-single.json')), [BTC])).toEqual([
      { pair: BTC, price: '64912.35' },
    ]);
    expect(quotes(JSON.parse(fixture('ticker-price-batch.json')), [ETH, BTC])).toEqual([
      { pair: ETH, price: '3456.78' },
      { pair: BTC, price: '64912.35' },
    ]);
  });

  it('reports a pair missing from a batch answer as not_found', () => {
    const [btc, eth] = quotes(JSON.parse(fixture('ticker-price-single.json')), [BTC, ETH]);
    expect(btc).toEqual({ pair: BTC, price: '64912.35' });
    expect(eth).toMatchObject({ pair: ETH, error: { kind: 'not_found' } });
  });

  it('maps -1121 to not_found for one symbol, and to a 400 for a whole rejected batch', () => {
    const body = JSON.parse(fixture('error-invalid-symbol.json'));
    expect(quotes(body, [BTC])).toEqual([
      { pair: BTC, error: { kind: 'not_found', message: 'binance: Invalid symbol. (code -1121)' } },
    ]);
    const batch = quotes(body, [BTC, ETH]);
    expect(batch.map((q) => ('error' in q ? [q.error.kind, q.error.status] : q))).toEqual([
      ['http', 400],
      ['http', 400],
    ]);
    expect(quotes({ code: -1003, msg: 'Too much request weight used' }, [BTC])[0]).toMatchObject({
      error: { kind: 'rate_limited' },
    });
  });

  it('rejects zero, negative and non-numeric prices as invalid_price', () => {
    for (const price of ['0.00000000', '-1.5', 'NaN', '', '1e5x']) {
      expect(quotes({ symbol: 'BTCUSDT', price }, [BTC])[0], price).toMatchObject({
        pair: BTC,
        error: { kind: 'invalid_price' },
      });
    }
  });

  it('fails the schema when the answer changes shape', () => {
    expect(binanceHttp.responseSchema.safeParse({ symbol: 'BTCUSDT', lastPrice: '1' }).success).toBe(false);
    expect(binanceHttp.responseSchema.safeParse([{ symbol: 'BTCUSDT', price: 64912.35 }]).success).toBe(
      false,
    );
  });

  it('quotes plain symbols only', () => {
    expect(binanceHttp.supports(BTC)).toBe(true);
    expect(binanceHttp.supports({ base: 'USD.E', quote: 'USDT' })).toBe(false);
  });
});

describe('binance stream', () => {
  it('subscribes and unsubscribes miniTicker streams in one message', () => {
    expect(binanceStream.subscribeMessages([BTC, ETH], {}).map((m) => JSON.parse(m))).toEqual([
      { method: 'SUBSCRIBE', params: ['btcusdt@miniTicker', 'ethusdt@miniTicker'], id: 1 },
    ]);
    expect(JSON.parse(binanceStream.unsubscribeMessages([BTC], {})[0] ?? '')).toMatchObject({
      method: 'UNSUBSCRIBE',
      params: ['btcusdt@miniTicker'],
    });
    expect(binanceStream.subscribeMessages([], {})).toEqual([]);
  });

  it('reads a miniTicker event with its event time', () => {
    expect(parse(fixture('stream-mini-ticker.json'))).toEqual({
      type: 'prices',
      prices: [{ pair: BTC, price: '64912.35', sourceTimestampMs: 1718000000123 }],
    });
  });

  it('ignores subscription answers and reports rejected requests', () => {
    expect(parse(fixture('stream-subscribe-result.json'))).toEqual({ type: 'ignore' });
    expect(parse(fixture('stream-error.json'))).toMatchObject({ type: 'error', error: { kind: 'http' } });
  });

  it('turns garbage, changed shapes and bad prices into error events', () => {
    expect(parse('<html>502</html>')).toMatchObject({ type: 'error', error: { kind: 'bad_json' } });
    expect(parse('42')).toMatchObject({ type: 'error', error: { kind: 'schema' } });
    const ticker = JSON.parse(fixture('stream-mini-ticker.json'));
    expect(parse(JSON.stringify({ ...ticker, c: undefined, closePrice: '1' }))).toMatchObject({
      type: 'error',
      error: { kind: 'schema', message: expect.stringContaining('c:') },
    });
    expect(parse(JSON.stringify({ ...ticker, c: '0' }))).toMatchObject({ error: { kind: 'invalid_price' } });
    expect(parse(JSON.stringify({ ...ticker, s: 'BTCXYZ' }))).toMatchObject({
      error: { kind: 'unsupported' },
    });
    expect(parse('{"hello":"world"}')).toMatchObject({ error: { kind: 'schema' } });
  });
});

describe('binance fixtures', () => {
  const parsers: Record<string, (text: string) => boolean> = {
    'ticker-price-single.json': (text) => binanceHttp.responseSchema.safeParse(JSON.parse(text)).success,
    'ticker-price-batch.json': (text) => binanceHttp.responseSchema.safeParse(JSON.parse(text)).success,
    'error-invalid-symbol.json': (text) => binanceHttp.responseSchema.safeParse(JSON.parse(text)).success,
    'stream-mini-ticker.json': (text) => parse(text).type === 'prices',
    'stream-subscribe-result.json': (text) => parse(text).type === 'ignore',
    'stream-error.json': (text) => parse(text).type === 'error',
  };

  it('every fixture is understood', () => fixtures.expectEachUnderstood(parsers));

  it('exports the module with both definitions', () => {
    expect(binance.http.id).toBe('binance');
    expect(binance.stream?.defaultWsUrl).toBe('wss://stream.binance.com:9443/ws');
  });
});

describe('binance source timestamp', () => {
  const OLD = Date.UTC(2024, 5, 8, 6, 13, 20, 123);

  it('has none over REST; stamps stream quotes with E, bounded to 60 s by default', () => {
    const [rest] = quotes(JSON.parse(fixture('ticker-price-single.json')), [BTC]);
    expect(rest).not.toHaveProperty('sourceTimestampMs');
    const push = JSON.parse(fixture('stream-mini-ticker.json'));
    push.E = OLD;
    expect(parse(JSON.stringify(push))).toMatchObject({ prices: [{ sourceTimestampMs: OLD }] });
    expect(binanceHttp.defaultMaxSourceAgeMs).toBe(60_000);
  });

  it('turns an E that is no instant into a schema error', () => {
    for (const E of [0, -1, 1.5, '1718000000123', null]) {
      const push = JSON.parse(fixture('stream-mini-ticker.json'));
      push.E = E;
      expect(parse(JSON.stringify(push)), String(E)).toMatchObject({
        type: 'error',
        error: { kind: 'schema' },
      });
    }
  });
});
