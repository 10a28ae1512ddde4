import { describe, expect, it } from 'vitest';
import { capturedFixtures } from '../fixtures/captured-fixtures.js';
import type { Pair } from '../price-source.js';
import { kucoin } from './index.js';
import { kucoinHttp, kucoinStream } from './kucoin.source.js';

const fixtures = capturedFixtures(import.meta.url);
const fixture = fixtures.read;
const BTC: Pair = { base: 'BTC', quote: 'USDT' };
const ETH: Pair = { base: 'ETH', quote: 'USDT' };

const quotes = (body: unknown, pairs: readonly Pair[]) =>
  kucoinHttp.toQuotes(kucoinHttp.responseSchema.parse(body), pairs);
const parse = (text: string) => kucoinStream.parseMessage(text, 0);
const negotiate = kucoinStream.negotiate;
const withPrice = (price: string) => ({ code: '200000', data: { time: 1, price } });

describe('kucoin REST', () => {
  it('asks for one symbol per request', () => {
    expect(kucoinHttp.maxBatchSize).toBe(1);
    expect(kucoinHttp.buildRequest([BTC], {}).path).toBe('/api/v1/market/orderbook/level1?symbol=BTC-USDT');
    expect(() => kucoinHttp.buildRequest([BTC, ETH], {})).toThrow(/one pair/);
  });

  it('reads the level1 ticker with its time', () => {
    expect(quotes(JSON.parse(fixture('level1.json')), [BTC])).toEqual([
      { pair: BTC, price: '64912.3', sourceTimestampMs: 1718000000123 },
    ]);
  });

  it('maps an empty answer to not_found and error codes to their kinds', () => {
    expect(quotes(JSON.parse(fixture('level1-unknown-symbol.json')), [BTC])).toEqual([
      { pair: BTC, error: { kind: 'not_found', message: 'kucoin: no ticker for BTC-USDT' } },
    ]);
    expect(quotes(JSON.parse(fixture('error-rate-limited.json')), [BTC])[0]).toMatchObject({
      error: { kind: 'rate_limited', message: 'kucoin: Too Many Requests (code 429000)' },
    });
    expect(quotes({ code: '400003', msg: 'KC-API-KEY not exists' }, [BTC])[0]).toMatchObject({
      error: { kind: 'unauthorized' },
    });
    expect(quotes({ code: '400100', msg: 'Parameter error' }, [BTC])[0]).toMatchObject({
      error: { kind: 'http' },
    });
  });

  it('rejects zero, negative and non-numeric prices as invalid_price', () => {
    for (const price of ['0', '-1', 'abc', '']) {
      expect(quotes(withPrice(price), [BTC])[0], price).toMatchObject({ error: { kind: 'invalid_price' } });
    }
  });

  it('fails the schema when the ticker shape changes', () => {
    expect(
      kucoinHttp.responseSchema.safeParse({ code: '200000', data: { time: 1, lastTradedPrice: '1' } })
        .success,
    ).toBe(false);
    expect(kucoinHttp.responseSchema.safeParse({ code: 200000, data: null }).success).toBe(false);
  });
});

describe('kucoin stream', () => {
  it('negotiates with bullet-public and connects with the token', () => {
    expect(negotiate?.request({})).toEqual({ method: 'POST', path: '/api/v1/bullet-public' });
    const bullet = JSON.parse(fixture('bullet-public.json'));
    expect(negotiate?.responseSchema.safeParse(bullet).success).toBe(true);
    const url = new URL(negotiate?.connectUrl(bullet, undefined) ?? '');
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe('wss://ws-api-spot.kucoin.com/');
    expect(url.searchParams.get('token')).toBe(bullet.data.token);
    const configured = new URL(negotiate?.connectUrl(bullet, 'ws://127.0.0.1:9000/kucoin/') ?? '');
    expect(configured.host).toBe('127.0.0.1:9000');
    expect(configured.searchParams.get('token')).toBe(bullet.data.token);
    expect(
      negotiate?.responseSchema.safeParse({ code: '200000', data: { token: 't', instanceServers: [] } })
        .success,
    ).toBe(false);
  });

  it('subscribes one ticker topic for many symbols and pings with JSON', () => {
    expect(kucoinStream.subscribeMessages([BTC, ETH], {}).map((m) => JSON.parse(m))).toEqual([
      {
        id: '1',
        type: 'subscribe',
        topic: '/market/ticker:BTC-USDT,ETH-USDT',
        privateChannel: false,
        response: true,
      },
    ]);
    expect(JSON.parse(kucoinStream.unsubscribeMessages([BTC], {})[0] ?? '').type).toBe('unsubscribe');
    expect(JSON.parse(kucoinStream.pingMessage?.(42) ?? '')).toEqual({ id: '42', type: 'ping' });
  });

  it('reads a ticker message with its matching time', () => {
    expect(parse(fixture('stream-ticker.json'))).toEqual({
      type: 'prices',
      prices: [{ pair: BTC, price: '64912.3', sourceTimestampMs: 1718000000456 }],
    });
  });

  it('ignores welcome, ack and pong; reports errors', () => {
    for (const name of ['stream-welcome.json', 'stream-ack.json', 'stream-pong.json']) {
      expect(parse(fixture(name)), name).toEqual({ type: 'ignore' });
    }
    expect(parse(fixture('stream-error.json'))).toMatchObject({
      type: 'error',
      error: { kind: 'not_found' },
    });
  });

  it('turns garbage, changed shapes and bad prices into error events', () => {
    expect(parse('{"type":"message"')).toMatchObject({ type: 'error', error: { kind: 'bad_json' } });
    const message = JSON.parse(fixture('stream-ticker.json'));
    message.data.price = '0';
    expect(parse(JSON.stringify(message))).toMatchObject({ type: 'error', error: { kind: 'invalid_price' } });
    delete message.data.price;
    expect(parse(JSON.stringify(message))).toMatchObject({
      type: 'error',
      error: { kind: 'schema', message: expect.stringContaining('data.price') },
    });
    expect(parse('{"type":"notice"}')).toMatchObject({ error: { kind: 'schema' } });
  });
});

describe('kucoin fixtures', () => {
  const rest = (text: string) => kucoinHttp.responseSchema.safeParse(JSON.parse(text)).success;
  const ignored = (text: string) => parse(text).type === 'ignore';
  const parsers: Record<string, (text: string) => boolean> = {
    'level1.json': rest,
    'level1-unknown-symbol.json': rest,
    'error-rate-limited.json': rest,
    'bullet-public.json': (text) => negotiate?.responseSchema.safeParse(JSON.parse(text)).success === true,
    'stream-welcome.json': ignored,
    'stream-ack.json': ignored,
    'stream-pong.json': ignored,
    'stream-ticker.json': (text) => parse(text).type === 'prices',
    'stream-error.json': (text) => parse(text).type === 'error',
  };

  it('every fixture is understood', () => fixtures.expectEachUnderstood(parsers));

  it('exports the module with both definitions', () => {
    expect(kucoin.http.defaultRps).toBe(30);
    expect(kucoin.stream?.negotiate).toBeDefined();
  });
});

describe('kucoin source timestamp', () => {
  const OLD = Date.UTC(2024, 5, 8, 6, 13, 20, 123);

  it('stamps REST and stream quotes with the ticker time, bounded to 60 s by default', () => {
    const body = JSON.parse(fixture('level1.json'));
    body.data.time = OLD;
    expect(quotes(body, [BTC])[0]).toMatchObject({ sourceTimestampMs: OLD });
    const push = JSON.parse(fixture('stream-ticker.json'));
    push.data.Time = OLD;
    expect(parse(JSON.stringify(push))).toMatchObject({ prices: [{ sourceTimestampMs: OLD }] });
    expect(kucoinHttp.defaultMaxSourceAgeMs).toBe(60_000);
  });

  it('fails the schema on a time that is no instant', () => {
    for (const time of [0, -1, 1.5, '1718000000123']) {
      const body = JSON.parse(fixture('level1.json'));
      body.data.time = time;
      expect(kucoinHttp.responseSchema.safeParse(body).success, String(time)).toBe(false);
      const push = JSON.parse(fixture('stream-ticker.json'));
      push.data.Time = time;
      expect(parse(JSON.stringify(push)), String(time)).toMatchObject({ error: { kind: 'schema' } });
    }
  });
});
