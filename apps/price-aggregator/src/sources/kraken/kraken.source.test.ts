import { describe, expect, it } from 'vitest';
import { capturedFixtures } from '../fixtures/captured-fixtures.js';
import type { Pair } from '../price-source.js';
import { kraken } from './index.js';
import { krakenHttp, krakenStream } from './kraken.source.js';

const fixtures = capturedFixtures(import.meta.url);
const fixture = fixtures.read;
const BTC: Pair = { base: 'BTC', quote: 'USD' };
const ETH: Pair = { base: 'ETH', quote: 'USD' };
const SOL: Pair = { base: 'SOL', quote: 'USD' };
const DOGE: Pair = { base: 'DOGE', quote: 'USD' };

const quotes = (body: unknown, pairs: readonly Pair[]) =>
  krakenHttp.toQuotes(krakenHttp.responseSchema.parse(body), pairs);
const parse = (text: string) => krakenStream.parseMessage(text, 0);
const withLast = (last: string) => ({ error: [], result: { XXBTZUSD: { c: [last, '1'] } } });

describe('kraken REST', () => {
  it('asks for Kraken pair names, comma separated', () => {
    expect(krakenHttp.buildRequest([BTC, ETH, DOGE], {}).path).toBe(
      '/0/public/Ticker?pair=XBTUSD,ETHUSD,XDGUSD',
    );
  });

  it('maps legacy result keys (XXBTZUSD) back to the pair asked for', () => {
    expect(quotes(JSON.parse(fixture('ticker-single.json')), [BTC])).toEqual([
      { pair: BTC, price: '64912.35' },
    ]);
    expect(quotes(JSON.parse(fixture('ticker-batch.json')), [DOGE, BTC, SOL, ETH])).toEqual([
      { pair: DOGE, price: '0.143205' },
      { pair: BTC, price: '64912.35' },
      { pair: SOL, price: '142.54' },
      { pair: ETH, price: '3456.78' },
    ]);
  });

  it('takes the only key of a one-pair answer whatever its spelling', () => {
    const body = { error: [], result: { XBTUSDT_NEW: { c: ['64000.1', '1'] } } };
    expect(quotes(body, [{ base: 'BTC', quote: 'USDT' }])).toEqual([
      { pair: { base: 'BTC', quote: 'USDT' }, price: '64000.1' },
    ]);
  });

  it('reports a pair missing from a batch answer as not_found', () => {
    const [btc, eur] = quotes(JSON.parse(fixture('ticker-single.json')), [
      BTC,
      { base: 'BTC', quote: 'EUR' },
    ]);
    expect(btc).toEqual({ pair: BTC, price: '64912.35' });
    expect(eur).toMatchObject({ error: { kind: 'not_found' } });
  });

  it('maps errors carried in a 200 answer', () => {
    const unknown = JSON.parse(fixture('error-unknown-pair.json'));
    expect(quotes(unknown, [BTC])).toEqual([
      { pair: BTC, error: { kind: 'not_found', message: 'kraken: EQuery:Unknown asset pair' } },
    ]);
    expect(
      quotes(unknown, [BTC, ETH]).map((q) => ('error' in q ? [q.error.kind, q.error.status] : q)),
    ).toEqual([
      ['http', 400],
      ['http', 400],
    ]);
    expect(quotes({ error: ['EAPI:Rate limit exceeded'] }, [BTC])[0]).toMatchObject({
      error: { kind: 'rate_limited' },
    });
    expect(quotes({ error: ['EService:Unavailable'] }, [BTC])[0]).toMatchObject({
      error: { kind: 'http', status: 503 },
    });
    expect(
      quotes({ error: ['WGeneral:Something to note'], result: { XXBTZUSD: { c: ['1', '1'] } } }, [BTC]),
    ).toEqual([{ pair: BTC, price: '1' }]);
  });

  it('rejects zero, negative and non-numeric prices as invalid_price', () => {
    for (const last of ['0.00000', '-64912.35', 'abc', '']) {
      expect(quotes(withLast(last), [BTC])[0], last).toMatchObject({ error: { kind: 'invalid_price' } });
    }
  });

  it('fails the schema when the ticker shape changes', () => {
    expect(
      krakenHttp.responseSchema.safeParse({ error: [], result: { XXBTZUSD: { last: '1' } } }).success,
    ).toBe(false);
    expect(krakenHttp.responseSchema.safeParse({ result: {} }).success).toBe(false);
  });
});

describe('kraken stream', () => {
  it('subscribes the v2 ticker channel with common symbols and pings with JSON', () => {
    expect(krakenStream.subscribeMessages([BTC, DOGE], {}).map((m) => JSON.parse(m))).toEqual([
      { method: 'subscribe', params: { channel: 'ticker', symbol: ['BTC/USD', 'DOGE/USD'] } },
    ]);
    expect(JSON.parse(krakenStream.unsubscribeMessages([BTC], {})[0] ?? '').method).toBe('unsubscribe');
    expect(JSON.parse(krakenStream.pingMessage?.(1718000000123) ?? '')).toEqual({
      method: 'ping',
      req_id: 1718000000123,
    });
  });

  it('reads a ticker (numbers) into exact decimal strings with its timestamp', () => {
    expect(parse(fixture('stream-ticker.json'))).toEqual({
      type: 'prices',
      prices: [{ pair: BTC, price: '64912.35', sourceTimestampMs: Date.parse('2024-06-10T06:13:20.123Z') }],
    });
  });

  it('ignores acks, pongs, heartbeats and status; reports rejected subscriptions', () => {
    for (const name of [
      'stream-subscribe-ack.json',
      'stream-pong.json',
      'stream-heartbeat.json',
      'stream-status.json',
    ]) {
      expect(parse(fixture(name)), name).toEqual({ type: 'ignore' });
    }
    expect(parse(fixture('stream-subscribe-error.json'))).toMatchObject({
      type: 'error',
      error: { kind: 'not_found', message: expect.stringContaining('FOO/USD') },
    });
  });

  it('turns garbage, changed shapes and bad prices into error events', () => {
    expect(parse('')).toMatchObject({ type: 'error', error: { kind: 'bad_json' } });
    const message = JSON.parse(fixture('stream-ticker.json'));
    message.data[0].last = 0;
    expect(parse(JSON.stringify(message))).toMatchObject({ type: 'error', error: { kind: 'invalid_price' } });
    message.data[0].last = -3;
    expect(parse(JSON.stringify(message))).toMatchObject({ type: 'error', error: { kind: 'invalid_price' } });
    message.data[0].last = '64912.35';
    expect(parse(JSON.stringify(message))).toMatchObject({
      type: 'error',
      error: { kind: 'schema', message: expect.stringContaining('data.0.last') },
    });
    expect(parse('{"channel":"book","type":"update","data":[]}')).toMatchObject({
      error: { kind: 'schema' },
    });
  });
});

describe('kraken fixtures', () => {
  const rest = (text: string) => krakenHttp.responseSchema.safeParse(JSON.parse(text)).success;
  const ignored = (text: string) => parse(text).type === 'ignore';
  const parsers: Record<string, (text: string) => boolean> = {
    'ticker-single.json': rest,
    'ticker-batch.json': rest,
    'error-unknown-pair.json': rest,
    'stream-ticker.json': (text) => parse(text).type === 'prices',
    'stream-subscribe-ack.json': ignored,
    'stream-subscribe-error.json': (text) => parse(text).type === 'error',
    'stream-heartbeat.json': ignored,
    'stream-status.json': ignored,
    'stream-pong.json': ignored,
  };

  it('every fixture is understood', () => fixtures.expectEachUnderstood(parsers));

  it('exports the module with both definitions', () => {
    expect(kraken.http.defaultRps).toBe(1);
    expect(kraken.stream?.defaultWsUrl).toBe('wss://ws.kraken.com/v2');
  });
});

describe('kraken source timestamp', () => {
  it('has none over REST; stamps stream quotes with the ticker timestamp, bounded to 60 s by default', () => {
    const [rest] = quotes(JSON.parse(fixture('ticker-single.json')), [BTC]);
    expect(rest).not.toHaveProperty('sourceTimestampMs');
    const push = JSON.parse(fixture('stream-ticker.json'));
    push.data[0].timestamp = '2024-06-08T06:13:20.123456Z';
    expect(parse(JSON.stringify(push))).toMatchObject({
      prices: [{ sourceTimestampMs: Date.UTC(2024, 5, 8, 6, 13, 20, 123) }],
    });
    delete push.data[0].timestamp;
    expect(parse(JSON.stringify(push))).toMatchObject({ prices: [{ price: '64912.35' }] });
    expect(krakenHttp.defaultMaxSourceAgeMs).toBe(60_000);
  });

  it('turns a timestamp that is no RFC 3339 time into a schema error', () => {
    for (const timestamp of ['yesterday', '2024-13-01T00:00:00Z', 1718000000]) {
      const push = JSON.parse(fixture('stream-ticker.json'));
      push.data[0].timestamp = timestamp;
      expect(parse(JSON.stringify(push)), String(timestamp)).toMatchObject({
        type: 'error',
        error: { kind: 'schema' },
      });
    }
  });
});
