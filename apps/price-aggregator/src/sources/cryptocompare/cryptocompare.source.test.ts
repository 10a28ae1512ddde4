import { describe, expect, it } from 'vitest';
import type { Pair, StreamEvent } from '../price-source.js';
import { cryptocompare } from './index.js';
import errorInvalidKey from './fixtures/error-invalid-key.json' with { type: 'json' };
import errorMarketMissing from './fixtures/error-market-missing.json' with { type: 'json' };
import errorRateLimited from './fixtures/error-rate-limited.json' with { type: 'json' };
import pricemulti from './fixtures/pricemulti.json' with { type: 'json' };
import streamUnchanged from './fixtures/stream-aggregate-index-unchanged.json' with { type: 'json' };
import streamAggregateIndex from './fixtures/stream-aggregate-index.json' with { type: 'json' };
import streamHeartbeat from './fixtures/stream-heartbeat.json' with { type: 'json' };
import streamInvalidSub from './fixtures/stream-invalid-sub.json' with { type: 'json' };
import streamSubscribeComplete from './fixtures/stream-subscribe-complete.json' with { type: 'json' };
import streamTooManySockets from './fixtures/stream-too-many-sockets.json' with { type: 'json' };
import streamUnauthorized from './fixtures/stream-unauthorized.json' with { type: 'json' };
import streamWelcome from './fixtures/stream-welcome.json' with { type: 'json' };

const { http } = cryptocompare;
const stream = cryptocompare.stream!;
const pair = (base: string, quote: string): Pair => ({ base, quote });
const quotes = (body: unknown, pairs: Pair[]) => http.toQuotes(http.responseSchema.parse(body), pairs);
const kinds = (body: unknown, pairs: Pair[]) =>
  quotes(body, pairs).map((r) => ('error' in r ? r.error.kind : r.price));
const query = (path: string) => new URLSearchParams(path.slice(path.indexOf('?') + 1));
const parse = (frame: unknown): StreamEvent => stream.parseMessage(JSON.stringify(frame), 0);

describe('cryptocompare requests', () => {
  it('batches bases and quotes into one /data/pricemulti request', () => {
    const request = http.buildRequest([pair('BTC', 'USD'), pair('ETH', 'USD'), pair('BTC', 'EUR')], {});
    expect(request.path.startsWith('/data/pricemulti?')).toBe(true);
    expect(query(request.path).get('fsyms')).toBe('BTC,ETH');
    expect(query(request.path).get('tsyms')).toBe('USD,EUR');
    expect(http.maxBatchSize).toBeLessThanOrEqual(50);
  });

  it('sends the key as an "Apikey" authorization header, never in the URL', () => {
    const request = http.buildRequest([pair('BTC', 'USD')], { apiKey: 'cc-secret' });
    expect(request.headers).toEqual({ authorization: 'Apikey cc-secret' });
    expect(request.path).not.toContain('cc-secret');
    expect(http.requiresApiKey).toBe(true);
  });

  it('uses production defaults and supports plain symbols only', () => {
    expect(http.defaultBaseUrl).toBe('https://min-api.cryptocompare.com');
    expect(http.defaultRps).toBe(25);
    expect(http.supports(pair('WSTETH', 'ETH'))).toBe(true);
    expect(http.supports(pair('BTC', 'BTC'))).toBe(false);
    expect(http.supports(pair('USD.E', 'USD'))).toBe(false);
  });
});

describe('cryptocompare responses', () => {
  it('parses the documented pricemulti body', () => {
    expect(quotes(pricemulti, [pair('BTC', 'USD'), pair('ETH', 'EUR'), pair('LINK', 'USD')])).toEqual([
      { pair: pair('BTC', 'USD'), price: '67187.33' },
      { pair: pair('ETH', 'EUR'), price: '3272.01' },
      { pair: pair('LINK', 'USD'), price: '18.42' },
    ]);
  });

  it('reports pairs left out of the body as not_found', () => {
    expect(kinds(pricemulti, [pair('LINK', 'EUR'), pair('NOPE', 'USD')])).toEqual(['not_found', 'not_found']);
  });

  it('maps "Response":"Error" bodies to rate_limited, unauthorized and not_found', () => {
    const pairs = [pair('BTC', 'USD'), pair('ETH', 'USD')];
    expect(kinds(errorRateLimited, pairs)).toEqual(['rate_limited', 'rate_limited']);
    expect(kinds(errorInvalidKey, pairs)).toEqual(['unauthorized', 'unauthorized']);
    expect(kinds(errorMarketMissing, pairs)).toEqual(['not_found', 'not_found']);
  });

  it('turns zero and negative prices into invalid_price and string prices into schema errors', () => {
    expect(kinds({ BTC: { USD: 0, EUR: -1 } }, [pair('BTC', 'USD'), pair('BTC', 'EUR')])).toEqual([
      'invalid_price',
      'invalid_price',
    ]);
    expect(http.responseSchema.safeParse({ BTC: { USD: 'n/a' } }).success).toBe(false);
    expect(http.responseSchema.safeParse({ Response: 'Error' }).success).toBe(false);
  });
});

describe('cryptocompare stream', () => {
  it('subscribes and unsubscribes CCCAGG channels in chunks', () => {
    const pairs = Array.from({ length: 30 }, (_, i) => pair(`C${i}`, 'USD'));
    const subscribe = stream
      .subscribeMessages(pairs, {})
      .map((m) => JSON.parse(m) as { action: string; subs: string[] });
    expect(subscribe).toHaveLength(2);
    expect(subscribe[0]?.action).toBe('SubAdd');
    expect(subscribe[0]?.subs[0]).toBe('5~CCCAGG~C0~USD');
    expect(subscribe.flatMap((m) => m.subs)).toHaveLength(30);
    expect(subscribe.every((m) => m.subs.length <= stream.maxPairsPerMessage)).toBe(true);
    expect(JSON.parse(stream.unsubscribeMessages([pair('BTC', 'USD')], {})[0] ?? '')).toEqual({
      action: 'SubRemove',
      subs: ['5~CCCAGG~BTC~USD'],
    });
  });

  it('puts the key in the connect URL as api_key', () => {
    expect(stream.defaultWsUrl).toBe('wss://streamer.cryptocompare.com/v2');
    expect(stream.connectUrl?.(stream.defaultWsUrl, [], { apiKey: 'k&y' })).toBe(
      'wss://streamer.cryptocompare.com/v2?api_key=k%26y',
    );
    expect(stream.connectUrl?.('ws://127.0.0.1:9/cryptocompare/v2', [], {})).toBe(
      'ws://127.0.0.1:9/cryptocompare/v2',
    );
  });

  it('turns aggregate index updates into prices with the exchange timestamp', () => {
    expect(parse(streamAggregateIndex)).toEqual({
      type: 'prices',
      prices: [{ pair: pair('BTC', 'USD'), price: '67185.12', sourceTimestampMs: 1711356301_000 }],
    });
    expect(parse(streamUnchanged)).toEqual({ type: 'ignore' });
  });

  it('ignores control frames', () => {
    for (const frame of [
      streamWelcome,
      streamSubscribeComplete,
      streamHeartbeat,
      { TYPE: '3', MESSAGE: 'LOADCOMPLETE' },
    ]) {
      expect(parse(frame)).toEqual({ type: 'ignore' });
    }
  });

  it('maps error frames, garbage and drift to error events', () => {
    const kind = (event: StreamEvent) => (event.type === 'error' ? event.error.kind : event.type);
    expect(kind(parse(streamInvalidSub))).toBe('not_found');
    expect(kind(parse(streamUnauthorized))).toBe('unauthorized');
    expect(kind(parse(streamTooManySockets))).toBe('rate_limited');
    expect(kind(parse({ ...streamAggregateIndex, PRICE: 0 }))).toBe('invalid_price');
    expect(kind(parse({ ...streamAggregateIndex, PRICE: -3 }))).toBe('invalid_price');
    expect(kind(parse({ ...streamAggregateIndex, PRICE: '67000' }))).toBe('schema');
    expect(kind(parse({ hello: 1 }))).toBe('schema');
    expect(kind(stream.parseMessage('not json', 0))).toBe('bad_json');
  });
});

describe('cryptocompare source timestamp', () => {
  const OLD_S = Date.UTC(2024, 2, 23, 8, 45, 1) / 1000;

  it('has none over REST; stamps stream quotes with LASTUPDATE, bounded to 60 s by default', () => {
    expect(quotes(pricemulti, [pair('BTC', 'USD')])[0]).not.toHaveProperty('sourceTimestampMs');
    expect(parse({ ...streamAggregateIndex, LASTUPDATE: OLD_S })).toMatchObject({
      prices: [{ sourceTimestampMs: OLD_S * 1000 }],
    });
    expect(http.defaultMaxSourceAgeMs).toBe(60_000);
  });

  it('turns a LASTUPDATE that is no instant into a schema error', () => {
    for (const LASTUPDATE of [0, -1, 1711356301.5, '1711356301'])
      expect(parse({ ...streamAggregateIndex, LASTUPDATE }), String(LASTUPDATE)).toMatchObject({
        type: 'error',
        error: { kind: 'schema' },
      });
  });
});
