import { describe, expect, it } from 'vitest';
import { capturedFixtures } from '../fixtures/captured-fixtures.js';
import type { Pair } from '../price-source.js';
import { okx } from './index.js';
import { okxHttp, okxStream } from './okx.source.js';

const fixtures = capturedFixtures(import.meta.url);
const fixture = fixtures.read;
const BTC: Pair = { base: 'BTC', quote: 'USDT' };
const ETH: Pair = { base: 'ETH', quote: 'USDT' };

const quotes = (body: unknown, pairs: readonly Pair[]) =>
  okxHttp.toQuotes(okxHttp.responseSchema.parse(body), pairs);
const parse = (text: string) => okxStream.parseMessage(text, 0);
const tickerBody = (last: string) => {
  const body = JSON.parse(fixture('ticker.json'));
  body.data[0].last = last;
  return body;
};

describe('okx REST', () => {
  it('asks for one instrument per request', () => {
    expect(okxHttp.maxBatchSize).toBe(1);
    expect(okxHttp.buildRequest([BTC], {}).path).toBe('/api/v5/market/ticker?instId=BTC-USDT');
    expect(() => okxHttp.buildRequest([BTC, ETH], {})).toThrow(/one pair/);
  });

  it('reads the ticker with its timestamp', () => {
    expect(quotes(JSON.parse(fixture('ticker.json')), [BTC])).toEqual([
      { pair: BTC, price: '64912.3', sourceTimestampMs: 1718000000123 },
    ]);
  });

  it('maps API error codes carried in a 200 answer', () => {
    expect(quotes(JSON.parse(fixture('error-instrument-not-found.json')), [BTC])).toEqual([
      { pair: BTC, error: { kind: 'not_found', message: 'okx: Instrument ID does not exist (code 51001)' } },
    ]);
    expect(quotes({ code: '50011', msg: 'Too Many Requests', data: [] }, [BTC])[0]).toMatchObject({
      error: { kind: 'rate_limited' },
    });
    expect(
      quotes({ code: '50001', msg: 'Service temporarily unavailable', data: [] }, [BTC])[0],
    ).toMatchObject({
      error: { kind: 'http' },
    });
    expect(quotes(JSON.parse(fixture('ticker.json')), [ETH])[0]).toMatchObject({
      error: { kind: 'not_found' },
    });
  });

  it('rejects zero, negative, empty and non-numeric prices as invalid_price', () => {
    for (const last of ['0', '-64912.3', '', 'abc']) {
      expect(quotes(tickerBody(last), [BTC])[0], last).toMatchObject({ error: { kind: 'invalid_price' } });
    }
  });

  it('fails the schema when a field changes name or type', () => {
    const renamed = JSON.parse(fixture('ticker.json'));
    renamed.data[0].lastPx = renamed.data[0].last;
    delete renamed.data[0].last;
    expect(okxHttp.responseSchema.safeParse(renamed).success).toBe(false);
    expect(okxHttp.responseSchema.safeParse({ ...tickerBody('1'), code: 0 }).success).toBe(false);
  });
});

describe('okx stream', () => {
  it('subscribes the tickers channel per instrument and pings with text', () => {
    expect(okxStream.subscribeMessages([BTC, ETH], {}).map((m) => JSON.parse(m))).toEqual([
      {
        op: 'subscribe',
        args: [
          { channel: 'tickers', instId: 'BTC-USDT' },
          { channel: 'tickers', instId: 'ETH-USDT' },
        ],
      },
    ]);
    expect(JSON.parse(okxStream.unsubscribeMessages([BTC], {})[0] ?? '').op).toBe('unsubscribe');
    expect(okxStream.pingMessage?.(0)).toBe('ping');
  });

  it('reads a ticker push, ignores pong and confirmations, reports errors', () => {
    expect(parse(fixture('stream-ticker.json'))).toEqual({
      type: 'prices',
      prices: [{ pair: ETH, price: '3456.78', sourceTimestampMs: 1718000000456 }],
    });
    expect(parse(fixture('stream-pong.txt'))).toEqual({ type: 'ignore' });
    expect(parse(fixture('stream-subscribe-event.json'))).toEqual({ type: 'ignore' });
    expect(parse(fixture('stream-error.json'))).toMatchObject({
      type: 'error',
      error: { kind: 'not_found' },
    });
  });

  it('turns garbage, changed shapes and bad prices into error events', () => {
    expect(parse('pong!')).toMatchObject({ type: 'error', error: { kind: 'bad_json' } });
    expect(parse('null')).toMatchObject({ type: 'error', error: { kind: 'schema' } });
    const push = JSON.parse(fixture('stream-ticker.json'));
    push.data[0].last = '-1';
    expect(parse(JSON.stringify(push))).toMatchObject({ type: 'error', error: { kind: 'invalid_price' } });
    push.data[0].ts = 1718000000456;
    expect(parse(JSON.stringify(push))).toMatchObject({
      type: 'error',
      error: { kind: 'schema', message: expect.stringContaining('data.0.ts') },
    });
    expect(parse(JSON.stringify({ arg: { channel: 'books', instId: 'BTC-USDT' }, data: [] }))).toMatchObject({
      error: { kind: 'schema' },
    });
  });
});

describe('okx fixtures', () => {
  const rest = (text: string) => okxHttp.responseSchema.safeParse(JSON.parse(text)).success;
  const parsers: Record<string, (text: string) => boolean> = {
    'ticker.json': rest,
    'error-instrument-not-found.json': rest,
    'stream-ticker.json': (text) => parse(text).type === 'prices',
    'stream-subscribe-event.json': (text) => parse(text).type === 'ignore',
    'stream-pong.txt': (text) => parse(text).type === 'ignore',
    'stream-error.json': (text) => parse(text).type === 'error',
  };

  it('every fixture is understood', () => fixtures.expectEachUnderstood(parsers));

  it('exports the module with both definitions', () => {
    expect(okx.http.defaultBaseUrl).toBe('https://www.okx.com');
    expect(okx.stream?.id).toBe('okx');
  });
});

describe('okx source timestamp', () => {
  const OLD = Date.UTC(2024, 5, 8, 6, 13, 20, 123); // two days before the fixtures' own ts

  it('stamps REST and stream quotes with ts, bounded to 60 s by default', () => {
    const body = JSON.parse(fixture('ticker.json'));
    body.data[0].ts = String(OLD);
    expect(quotes(body, [BTC])[0]).toMatchObject({ sourceTimestampMs: OLD });
    const push = JSON.parse(fixture('stream-ticker.json'));
    push.data[0].ts = String(OLD);
    expect(parse(JSON.stringify(push))).toMatchObject({ prices: [{ sourceTimestampMs: OLD }] });
    expect(okxHttp.defaultMaxSourceAgeMs).toBe(60_000);
  });

  it('fails the schema on a ts that is no instant', () => {
    for (const ts of ['0', '', '-1718000000123', '1718000000123.5', 'yesterday']) {
      const body = JSON.parse(fixture('ticker.json'));
      body.data[0].ts = ts;
      expect(okxHttp.responseSchema.safeParse(body).success, ts).toBe(false);
      const push = JSON.parse(fixture('stream-ticker.json'));
      push.data[0].ts = ts;
      expect(parse(JSON.stringify(push)), ts).toMatchObject({ type: 'error', error: { kind: 'schema' } });
    }
  });
});
