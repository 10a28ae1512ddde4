import { describe, expect, it } from 'vitest';
import type {
  Pair,
  SourceContext,
  StreamEvent,
} from '../../../../apps/price-aggregator/src/sources/price-source.js';
import { cryptocompare } from '../../../../apps/price-aggregator/src/sources/cryptocompare/index.js';
import type { Market } from '../types.js';
import { marketOf, priceOrKind, requestOf, socketPair } from '../test-kit.js';
import { createCryptocompareExchange } from './cryptocompare.js';

const { http } = cryptocompare;
const stream = cryptocompare.stream!;
const pairs: Pair[] = [
  { base: 'BTC', quote: 'USD' },
  { base: 'ETH', quote: 'EUR' },
];
const prices = { 'BTC/USD': '67187.33', 'ETH/EUR': '3272.01' };

function quotesFrom(market: Market, asked: Pair[] = pairs, ctx: SourceContext = { apiKey: 'cc-key' }) {
  const response = createCryptocompareExchange().http?.(requestOf(http.buildRequest(asked, ctx)), market);
  expect(response?.status).toBe(200);
  return http.toQuotes(http.responseSchema.parse(response?.body), asked).map(priceOrKind);
}

describe('fake cryptocompare REST', () => {
  it('answers /data/pricemulti in the format the source parses', () => {
    expect(quotesFrom(marketOf(prices))).toEqual(['67187.33', '3272.01']);
  });

  it('answers "Response":"Error" bodies for a missing key and unknown pairs', () => {
    expect(quotesFrom(marketOf(prices), pairs, {})).toEqual(['unauthorized', 'unauthorized']);
    expect(quotesFrom(marketOf(prices), [{ base: 'NOPE', quote: 'USD' }])).toEqual(['not_found']);
  });

  it('applies zero, negative and schema faults, and rate-limit bodies', () => {
    expect(quotesFrom(marketOf(prices, { kind: 'zero' }))).toEqual(['invalid_price', 'invalid_price']);
    expect(quotesFrom(marketOf(prices, { kind: 'negative' }))).toEqual(['invalid_price', 'invalid_price']);
    const drifted = createCryptocompareExchange().http?.(
      requestOf(http.buildRequest(pairs, { apiKey: 'k' })),
      marketOf(prices, { kind: 'schema' }),
    );
    expect(http.responseSchema.safeParse(drifted?.body).success).toBe(false);
    const limited = http.responseSchema.parse(createCryptocompareExchange().errorBody?.(429));
    expect(http.toQuotes(limited, pairs).map(priceOrKind)).toEqual(['rate_limited', 'rate_limited']);
  });
});

describe('fake cryptocompare stream', () => {
  const events = (frames: string[]): StreamEvent[] => frames.map((frame) => stream.parseMessage(frame, 0));
  const pricesOf = (list: StreamEvent[]) =>
    list.flatMap((e) => (e.type === 'prices' ? e.prices.map((p) => p.price) : []));

  function connect(market: Market, ctx: SourceContext = { apiKey: 'cc-key' }) {
    const exchange = createCryptocompareExchange();
    const client = socketPair();
    const url = new URL(stream.connectUrl?.('ws://127.0.0.1:1/cryptocompare/v2', [], ctx) ?? '');
    exchange.ws?.onConnection(client.socket, market, url);
    return { exchange, ...client };
  }

  it('welcomes, subscribes with a snapshot and pushes price changes in the format the source parses', () => {
    const market = marketOf({ ...prices });
    const { exchange, sent, receive } = connect(market);
    for (const message of stream.subscribeMessages([{ base: 'BTC', quote: 'USD' }], {})) receive(message);
    expect(events(sent).map((e) => e.type)).toEqual(['ignore', 'ignore', 'prices', 'ignore']);
    expect(pricesOf(events(sent))).toEqual(['67187.33']);

    exchange.onPriceChange?.('BTC', 'USD', '67200.5', marketOf({ 'BTC/USD': '67200.5' }));
    exchange.onPriceChange?.('ETH', 'EUR', '3300', marketOf({ 'ETH/EUR': '3300' }));
    expect(pricesOf(events(sent))).toEqual(['67187.33', '67200.5']);

    for (const message of stream.unsubscribeMessages([{ base: 'BTC', quote: 'USD' }], {})) receive(message);
    exchange.onPriceChange?.('BTC', 'USD', '1', marketOf({ 'BTC/USD': '1' }));
    expect(pricesOf(events(sent))).toEqual(['67187.33', '67200.5']);
  });

  it('refuses unknown subscriptions and connections without a key', () => {
    const { sent, receive } = connect(marketOf(prices));
    for (const message of stream.subscribeMessages([{ base: 'NOPE', quote: 'USD' }], {})) receive(message);
    expect(events(sent).some((e) => e.type === 'error' && e.error.kind === 'not_found')).toBe(true);
    const refused = connect(marketOf(prices), {});
    expect(events(refused.sent).map((e) => e.type === 'error' && e.error.kind)).toEqual(['unauthorized']);
  });

  it('applies price faults to pushed updates', () => {
    const { exchange, sent, receive } = connect(marketOf(prices));
    for (const message of stream.subscribeMessages([{ base: 'BTC', quote: 'USD' }], {})) receive(message);
    exchange.onPriceChange?.('BTC', 'USD', '5', marketOf({ 'BTC/USD': '5' }, { kind: 'negative' }));
    exchange.onPriceChange?.('BTC', 'USD', '5', marketOf({ 'BTC/USD': '5' }, { kind: 'schema' }));
    const last = events(sent).slice(-2);
    expect(last.map((e) => e.type === 'error' && e.error.kind)).toEqual(['invalid_price', 'schema']);
  });
});
