import { describe, expect, it } from 'vitest';
import type { Pair, StreamEvent } from '../price-source.js';
import { finnhub } from './index.js';
import { finnhubSymbolOf, pairOfFinnhubSymbol } from './finnhub.symbols.js';
import errorInvalidKey from './fixtures/error-invalid-key.json' with { type: 'json' };
import errorNoAccess from './fixtures/error-no-access.json' with { type: 'json' };
import errorRateLimited from './fixtures/error-rate-limited.json' with { type: 'json' };
import quoteUnknown from './fixtures/quote-unknown-symbol.json' with { type: 'json' };
import quote from './fixtures/quote.json' with { type: 'json' };
import streamError from './fixtures/stream-error.json' with { type: 'json' };
import streamPing from './fixtures/stream-ping.json' with { type: 'json' };
import streamTrades from './fixtures/stream-trades.json' with { type: 'json' };

const { http } = finnhub;
const stream = finnhub.stream!;
const pair = (base: string, quote: string): Pair => ({ base, quote });
const results = (body: unknown, p: Pair) => http.toQuotes(http.responseSchema.parse(body), [p]);
const kind = (body: unknown) =>
  results(body, pair('BTC', 'USD')).map((r) => ('error' in r ? r.error.kind : r.price))[0];
const parse = (frame: unknown): StreamEvent => stream.parseMessage(JSON.stringify(frame), 0);
const eventKind = (event: StreamEvent) => (event.type === 'error' ? event.error.kind : event.type);

describe('finnhub symbols', () => {
  it('reads USD pairs from Coinbase and other quotes from Binance, and maps them back', () => {
    expect(finnhubSymbolOf(pair('BTC', 'USD'))).toBe('COINBASE:BTC-USD');
    expect(finnhubSymbolOf(pair('ETH', 'USDT'))).toBe('BINANCE:ETHUSDT');
    expect(pairOfFinnhubSymbol('BINANCE:ETHBTC')).toEqual(pair('ETH', 'BTC'));
    expect(pairOfFinnhubSymbol('BINANCE:BTCFDUSD')).toEqual(pair('BTC', 'FDUSD'));
    expect(pairOfFinnhubSymbol('COINBASE:ETH-USD')).toEqual(pair('ETH', 'USD'));
    expect(pairOfFinnhubSymbol('AAPL')).toBeUndefined();
    expect(pairOfFinnhubSymbol('BINANCE:USDT')).toBeUndefined();
  });

  it('supports only pairs whose symbol maps back to the same pair', () => {
    expect(http.supports(pair('BTC', 'USD'))).toBe(true);
    expect(http.supports(pair('LINK', 'USDT'))).toBe(true);
    expect(http.supports(pair('EUR', 'JPY'))).toBe(false);
    expect(http.supports(pair('BTC', 'BTC'))).toBe(false);
    expect(http.supports(pair('USD.E', 'USDT'))).toBe(false);
  });
});

describe('finnhub requests', () => {
  it('asks /api/v1/quote for one symbol with the key in the X-Finnhub-Token header', () => {
    const request = http.buildRequest([pair('BTC', 'USDT')], { apiKey: 'fh-secret' });
    expect(request.path).toBe('/api/v1/quote?symbol=BINANCE%3ABTCUSDT');
    expect(request.headers).toEqual({ 'x-finnhub-token': 'fh-secret' });
    expect(http.maxBatchSize).toBe(1);
    expect(http.requiresApiKey).toBe(true);
    expect(http.defaultBaseUrl).toBe('https://finnhub.io');
    expect(http.defaultRps).toBe(1);
  });
});

describe('finnhub responses', () => {
  it('parses the documented quote body: c is the price, t the time', () => {
    expect(results(quote, pair('BTC', 'USD'))).toEqual([
      { pair: pair('BTC', 'USD'), price: '67187.33', sourceTimestampMs: 1711356300_000 },
    ]);
  });

  it('reads c = 0 as an unknown symbol and negative prices as invalid_price', () => {
    expect(kind(quoteUnknown)).toBe('not_found');
    expect(kind({ ...quote, c: -1 })).toBe('invalid_price');
    expect(http.responseSchema.safeParse({ ...quote, c: '67187.33' }).success).toBe(false);
    expect(http.responseSchema.safeParse({ t: 1 }).success).toBe(false);
  });

  it('maps error bodies to rate_limited and unauthorized', () => {
    expect(kind(errorRateLimited)).toBe('rate_limited');
    expect(kind(errorInvalidKey)).toBe('unauthorized');
    expect(kind(errorNoAccess)).toBe('unauthorized');
  });
});

describe('finnhub stream', () => {
  it('subscribes one symbol per message and puts the key in the connect URL', () => {
    expect(
      stream.subscribeMessages([pair('BTC', 'USDT'), pair('ETH', 'USD')], {}).map((m) => JSON.parse(m)),
    ).toEqual([
      { type: 'subscribe', symbol: 'BINANCE:BTCUSDT' },
      { type: 'subscribe', symbol: 'COINBASE:ETH-USD' },
    ]);
    expect(JSON.parse(stream.unsubscribeMessages([pair('BTC', 'USDT')], {})[0] ?? '')).toEqual({
      type: 'unsubscribe',
      symbol: 'BINANCE:BTCUSDT',
    });
    expect(stream.defaultWsUrl).toBe('wss://ws.finnhub.io');
    expect(stream.connectUrl?.(stream.defaultWsUrl, [], { apiKey: 'fh' })).toBe(
      'wss://ws.finnhub.io/?token=fh',
    );
  });

  it('takes the latest trade per pair from a trade frame', () => {
    expect(parse(streamTrades)).toEqual({
      type: 'prices',
      prices: [
        { pair: pair('BTC', 'USDT'), price: '67181.25', sourceTimestampMs: 1711356301134 },
        { pair: pair('ETH', 'USD'), price: '3545.12', sourceTimestampMs: 1711356301001 },
      ],
    });
  });

  it('ignores pings, maps error frames, bad prices, drift and garbage', () => {
    expect(parse(streamPing)).toEqual({ type: 'ignore' });
    expect(eventKind(parse(streamError))).toBe('rate_limited');
    expect(eventKind(parse({ type: 'trade', data: [{ s: 'BINANCE:BTCUSDT', p: 0, t: 1 }] }))).toBe(
      'invalid_price',
    );
    expect(eventKind(parse({ type: 'trade', data: [{ s: 'BINANCE:BTCUSDT', p: -2, t: 1 }] }))).toBe(
      'invalid_price',
    );
    expect(eventKind(parse({ type: 'trade', data: [{ s: 'BINANCE:BTCUSDT', p: '1', t: 1 }] }))).toBe(
      'schema',
    );
    expect(eventKind(parse({ data: [] }))).toBe('schema');
    expect(eventKind(stream.parseMessage('{', 0))).toBe('bad_json');
    expect(parse({ type: 'trade', data: [{ s: 'AAPL', p: 190.1, t: 1 }] })).toEqual({ type: 'ignore' });
  });
});

describe('finnhub source timestamp', () => {
  const OLD_S = Date.UTC(2024, 2, 23, 8, 45) / 1000;

  it('stamps REST quotes with t (s) and streamed trades with t (ms), bounded to 60 s by default', () => {
    expect(results({ ...quote, t: OLD_S }, pair('BTC', 'USD'))[0]).toMatchObject({
      sourceTimestampMs: OLD_S * 1000,
    });
    const trade = { s: 'BINANCE:BTCUSDT', p: 67180.5, t: OLD_S * 1000 + 120 };
    expect(parse({ type: 'trade', data: [trade] })).toMatchObject({
      prices: [{ sourceTimestampMs: OLD_S * 1000 + 120 }],
    });
    expect(http.defaultMaxSourceAgeMs).toBe(60_000);
  });

  it('treats a t that is no instant as a schema error', () => {
    for (const t of [-1, 1711356300.5, '1711356300'])
      expect(http.responseSchema.safeParse({ ...quote, t }).success, String(t)).toBe(false);
    expect(kind({ ...quote, t: 0 })).toBe('schema'); // a price without a time
    expect(kind(quoteUnknown)).toBe('not_found'); // all zeros, t too: an unknown symbol
    for (const t of [0, 1711356301.5, '1711356301134'])
      expect(eventKind(parse({ type: 'trade', data: [{ s: 'BINANCE:BTCUSDT', p: 1, t }] })), String(t)).toBe(
        'schema',
      );
  });
});
