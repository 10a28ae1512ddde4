import { describe, expect, it } from 'vitest';
import { finnhub } from '../../../../apps/price-aggregator/src/sources/finnhub/index.js';
import type {
  Pair,
  SourceContext,
  StreamEvent,
} from '../../../../apps/price-aggregator/src/sources/price-source.js';
import type { Market } from '../types.js';
import { marketOf, priceOrKind, requestOf, socketPair } from '../test-kit.js';
import { createFinnhubExchange } from './finnhub.js';

const { http } = finnhub;
const stream = finnhub.stream!;
const prices = { 'BTC/USD': '67187.33', 'ETH/USDT': '3545.12' };

function quoteFrom(market: Market, pair: Pair, ctx: SourceContext = { apiKey: 'fh-key' }) {
  const response = createFinnhubExchange().http?.(requestOf(http.buildRequest([pair], ctx)), market);
  return {
    status: response?.status,
    result: http.toQuotes(http.responseSchema.parse(response?.body), [pair]).map(priceOrKind)[0],
  };
}

describe('fake finnhub REST', () => {
  it('answers /api/v1/quote for Coinbase and Binance symbols in the format the source parses', () => {
    expect(quoteFrom(marketOf(prices), { base: 'BTC', quote: 'USD' })).toEqual({
      status: 200,
      result: '67187.33',
    });
    expect(quoteFrom(marketOf(prices), { base: 'ETH', quote: 'USDT' })).toEqual({
      status: 200,
      result: '3545.12',
    });
  });

  it('answers unknown symbols with zeros and a missing key with 401', () => {
    expect(quoteFrom(marketOf(prices), { base: 'NOPE', quote: 'USDT' })).toEqual({
      status: 200,
      result: 'not_found',
    });
    expect(quoteFrom(marketOf(prices), { base: 'BTC', quote: 'USD' }, {})).toEqual({
      status: 401,
      result: 'unauthorized',
    });
  });

  it('applies zero, negative and schema faults, and gives status faults Finnhub bodies', () => {
    const btc = { base: 'BTC', quote: 'USD' };
    expect(quoteFrom(marketOf(prices, { kind: 'zero' }), btc).result).toBe('not_found');
    expect(quoteFrom(marketOf(prices, { kind: 'negative' }), btc).result).toBe('invalid_price');
    const drifted = createFinnhubExchange().http?.(
      requestOf(http.buildRequest([btc], { apiKey: 'k' })),
      marketOf(prices, { kind: 'schema' }),
    );
    expect(http.responseSchema.safeParse(drifted?.body).success).toBe(false);
    const limited = http.responseSchema.parse(createFinnhubExchange().errorBody?.(429));
    expect(http.toQuotes(limited, [btc]).map(priceOrKind)).toEqual(['rate_limited']);
  });
});

describe('fake finnhub stream', () => {
  const events = (frames: string[]): StreamEvent[] => frames.map((frame) => stream.parseMessage(frame, 0));
  const pricesOf = (list: StreamEvent[]) =>
    list.flatMap((e) =>
      e.type === 'prices' ? e.prices.map((p) => `${p.pair.base}/${p.pair.quote}=${p.price}`) : [],
    );

  function connect(ctx: SourceContext = { apiKey: 'fh-key' }) {
    const exchange = createFinnhubExchange();
    const client = socketPair();
    const url = new URL(stream.connectUrl?.('ws://127.0.0.1:1/finnhub/', [], ctx) ?? '');
    exchange.ws?.onConnection(client.socket, marketOf(prices), url);
    return { exchange, ...client };
  }

  it('pushes trades of subscribed symbols in the format the source parses', () => {
    const { exchange, sent, receive } = connect();
    const pairs = [
      { base: 'BTC', quote: 'USD' },
      { base: 'ETH', quote: 'USDT' },
    ];
    for (const message of stream.subscribeMessages(pairs, {})) receive(message);
    expect(sent).toEqual([]);
    exchange.onPriceChange?.('BTC', 'USD', '67200.5', marketOf({ 'BTC/USD': '67200.5' }));
    exchange.onPriceChange?.('ETH', 'USDT', '3550', marketOf({ 'ETH/USDT': '3550' }));
    exchange.onPriceChange?.('LINK', 'USDT', '18', marketOf({ 'LINK/USDT': '18' }));
    expect(pricesOf(events(sent))).toEqual(['BTC/USD=67200.5', 'ETH/USDT=3550']);

    for (const message of stream.unsubscribeMessages([pairs[0] ?? { base: '', quote: '' }], {}))
      receive(message);
    exchange.onPriceChange?.('BTC', 'USD', '1', marketOf({ 'BTC/USD': '1' }));
    expect(pricesOf(events(sent))).toHaveLength(2);
  });

  it('refuses connections without a token and applies price faults to trades', () => {
    expect(events(connect({}).sent).map((e) => e.type === 'error' && e.error.kind)).toEqual(['unauthorized']);
    const { exchange, sent, receive } = connect();
    for (const message of stream.subscribeMessages([{ base: 'BTC', quote: 'USD' }], {})) receive(message);
    exchange.onPriceChange?.('BTC', 'USD', '5', marketOf({ 'BTC/USD': '5' }, { kind: 'zero' }));
    exchange.onPriceChange?.('BTC', 'USD', '5', marketOf({ 'BTC/USD': '5' }, { kind: 'schema' }));
    expect(events(sent).map((e) => e.type === 'error' && e.error.kind)).toEqual(['invalid_price', 'schema']);
  });
});
