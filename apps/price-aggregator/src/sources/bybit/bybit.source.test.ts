import { describe, expect, it } from 'vitest';
import { capturedFixtures } from '../fixtures/captured-fixtures.js';
import type { Pair } from '../price-source.js';
import { bybitHttp, bybitStream } from './bybit.source.js';
import { bybit } from './index.js';

const fixtures = capturedFixtures(import.meta.url);
const fixture = fixtures.read;
const BTC: Pair = { base: 'BTC', quote: 'USDT' };
const ETH: Pair = { base: 'ETH', quote: 'USDT' };

const quotes = (body: unknown, pairs: readonly Pair[]) =>
  bybitHttp.toQuotes(bybitHttp.responseSchema.parse(body), pairs);
const parse = (text: string) => bybitStream.parseMessage(text, 0);
const withLastPrice = (lastPrice: string) => ({
  retCode: 0,
  retMsg: 'OK',
  result: { category: 'spot', list: [{ symbol: 'BTCUSDT', lastPrice }] },
  time: 1,
});

describe('bybit REST', () => {
  it('asks for one spot symbol per request', () => {
    expect(bybitHttp.maxBatchSize).toBe(1);
    expect(bybitHttp.buildRequest([BTC], {}).path).toBe('/v5/market/tickers?category=spot&symbol=BTCUSDT');
    expect(() => bybitHttp.buildRequest([BTC, ETH], {})).toThrow(/one pair/);
  });

  it('reads the ticker with the answer time', () => {
    expect(quotes(JSON.parse(fixture('tickers-single.json')), [BTC])).toEqual([
      { pair: BTC, price: '64912.3', sourceTimestampMs: 1718000000123 },
    ]);
    expect(quotes(JSON.parse(fixture('tickers-single.json')), [ETH])[0]).toMatchObject({
      error: { kind: 'not_found' },
    });
  });

  it('maps retCodes carried in a 200 answer', () => {
    expect(quotes(JSON.parse(fixture('error-not-supported.json')), [BTC])).toEqual([
      { pair: BTC, error: { kind: 'not_found', message: 'bybit: Not supported symbols (retCode 10001)' } },
    ]);
    const failure = (retCode: number, retMsg: string) => ({ retCode, retMsg, result: {}, time: 1 });
    expect(quotes(failure(10006, 'Too many visits!'), [BTC])[0]).toMatchObject({
      error: { kind: 'rate_limited' },
    });
    expect(quotes(failure(10016, 'Server error.'), [BTC])[0]).toMatchObject({
      error: { kind: 'http', status: 500 },
    });
    expect(quotes(failure(10001, 'Illegal category'), [BTC])[0]).toMatchObject({ error: { kind: 'http' } });
  });

  it('rejects zero, negative and non-numeric prices as invalid_price', () => {
    for (const price of ['0', '-64912.3', 'abc', '']) {
      expect(quotes(withLastPrice(price), [BTC])[0], price).toMatchObject({
        error: { kind: 'invalid_price' },
      });
    }
  });

  it('fails the schema when the ticker shape changes', () => {
    const renamed = JSON.parse(fixture('tickers-single.json'));
    renamed.result.list[0].last_price = renamed.result.list[0].lastPrice;
    delete renamed.result.list[0].lastPrice;
    expect(bybitHttp.responseSchema.safeParse(renamed).success).toBe(false);
    expect(bybitHttp.responseSchema.safeParse({ ret_code: 0, result: {} }).success).toBe(false);
  });
});

describe('bybit stream', () => {
  it('subscribes ticker topics and pings with JSON', () => {
    expect(bybitStream.maxPairsPerMessage).toBe(10);
    expect(bybitStream.subscribeMessages([BTC, ETH], {}).map((m) => JSON.parse(m))).toEqual([
      { op: 'subscribe', args: ['tickers.BTCUSDT', 'tickers.ETHUSDT'] },
    ]);
    expect(JSON.parse(bybitStream.unsubscribeMessages([BTC], {})[0] ?? '').op).toBe('unsubscribe');
    expect(JSON.parse(bybitStream.pingMessage?.(7) ?? '')).toEqual({ req_id: '7', op: 'ping' });
  });

  it('reads a ticker push with its time', () => {
    expect(parse(fixture('stream-ticker.json'))).toEqual({
      type: 'prices',
      prices: [{ pair: BTC, price: '64912.3', sourceTimestampMs: 1718000000456 }],
    });
  });

  it('ignores acks and pongs; reports rejected subscriptions', () => {
    expect(parse(fixture('stream-subscribe-ack.json'))).toEqual({ type: 'ignore' });
    expect(parse(fixture('stream-pong.json'))).toEqual({ type: 'ignore' });
    expect(parse(fixture('stream-subscribe-error.json'))).toMatchObject({
      type: 'error',
      error: { kind: 'not_found', message: expect.stringContaining('FOOUSDT') },
    });
  });

  it('turns garbage, changed shapes and bad prices into error events', () => {
    expect(parse('pong')).toMatchObject({ type: 'error', error: { kind: 'bad_json' } });
    const message = JSON.parse(fixture('stream-ticker.json'));
    message.data.lastPrice = '-1';
    expect(parse(JSON.stringify(message))).toMatchObject({ type: 'error', error: { kind: 'invalid_price' } });
    message.data.lastPrice = 64912.3;
    expect(parse(JSON.stringify(message))).toMatchObject({
      type: 'error',
      error: { kind: 'schema', message: expect.stringContaining('data.lastPrice') },
    });
    expect(parse('{"hello":1}')).toMatchObject({ error: { kind: 'schema' } });
  });
});

describe('bybit fixtures', () => {
  const rest = (text: string) => bybitHttp.responseSchema.safeParse(JSON.parse(text)).success;
  const parsers: Record<string, (text: string) => boolean> = {
    'tickers-single.json': rest,
    'error-not-supported.json': rest,
    'stream-ticker.json': (text) => parse(text).type === 'prices',
    'stream-subscribe-ack.json': (text) => parse(text).type === 'ignore',
    'stream-pong.json': (text) => parse(text).type === 'ignore',
    'stream-subscribe-error.json': (text) => parse(text).type === 'error',
  };

  it('every fixture is understood', () => fixtures.expectEachUnderstood(parsers));

  it('exports the module with both definitions', () => {
    expect(bybit.http.defaultRps).toBe(120);
    expect(bybit.stream?.defaultWsUrl).toBe('wss://stream.bybit.com/v5/public/spot');
  });
});

describe('bybit source timestamp', () => {
  const OLD = Date.UTC(2024, 5, 8, 6, 13, 20, 123);

  it('stamps REST quotes with the answer time and stream quotes with ts, bounded to 60 s by default', () => {
    const body = JSON.parse(fixture('tickers-single.json'));
    body.time = OLD;
    expect(quotes(body, [BTC])[0]).toMatchObject({ sourceTimestampMs: OLD });
    const push = JSON.parse(fixture('stream-ticker.json'));
    push.ts = OLD;
    expect(parse(JSON.stringify(push))).toMatchObject({ prices: [{ sourceTimestampMs: OLD }] });
    expect(bybitHttp.defaultMaxSourceAgeMs).toBe(60_000);
  });

  it('fails the schema on a time that is no instant', () => {
    for (const time of [0, -1, 1.5, '1718000000123']) {
      const body = JSON.parse(fixture('tickers-single.json'));
      body.time = time;
      expect(bybitHttp.responseSchema.safeParse(body).success, String(time)).toBe(false);
      const push = JSON.parse(fixture('stream-ticker.json'));
      push.ts = time;
      expect(parse(JSON.stringify(push)), String(time)).toMatchObject({ error: { kind: 'schema' } });
    }
  });
});
