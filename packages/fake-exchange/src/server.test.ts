import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WsRecorder } from '../test/ws-recorder.js';
import { EXCHANGE_IDS } from './exchanges/index.js';
import { FakeExchange } from './server.js';

let exchange: FakeExchange;
const get = (path: string): Promise<Response> => fetch(`${exchange.url('binance')}${path}`);
const BTC_PRICE = '/api/v3/ticker/price?symbol=BTCUSDT';

beforeEach(async () => {
  exchange = await FakeExchange.start();
  exchange.setPrice('binance', 'BTC', 'USDT', '65000.12');
});

afterEach(async () => {
  await exchange.close();
});

describe('FakeExchange routing', () => {
  it('serves each exchange under its own prefix, in its own format', async () => {
    expect(exchange.url('binance')).toBe(`http://127.0.0.1:${exchange.port}/binance`);
    expect(exchange.wsUrl('okx')).toBe(`ws://127.0.0.1:${exchange.port}/okx/ws/v5/public`);
    const response = await get(BTC_PRICE);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ symbol: 'BTCUSDT', price: '65000.12000000' });
  });

  it('answers 404 for unknown paths and unknown exchanges, and refuses unknown ids', async () => {
    expect((await get('/api/v9/nothing')).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${exchange.port}/nasdaq/quote`)).status).toBe(404);
    expect(() => exchange.url('nasdaq')).toThrow(/does not know "nasdaq"/);
    expect(() => exchange.setPrice('nasdaq', 'A', 'B', '1')).toThrow();
  });

  it('keeps prices per exchange, or sets them everywhere', async () => {
    const bybit = async (symbol: string) =>
      (await fetch(`${exchange.url('bybit')}/v5/market/tickers?category=spot&symbol=${symbol}`)).json();
    const okx = async (instId: string) =>
      (await fetch(`${exchange.url('okx')}/api/v5/market/ticker?instId=${instId}`)).json();
    expect(await bybit('BTCUSDT')).toMatchObject({ retCode: 10001 });
    exchange.setPriceEverywhere('ETH', 'USDT', '3500');
    expect(await bybit('ETHUSDT')).toMatchObject({ result: { list: [{ lastPrice: '3500' }] } });
    expect(await okx('ETH-USDT')).toMatchObject({ data: [{ last: '3500' }] });
    expect(EXCHANGE_IDS).toEqual(
      expect.arrayContaining(['binance', 'bybit', 'coinbase', 'kraken', 'kucoin', 'okx']),
    );
  });

  it('counts every upstream request per exchange, faulted and unknown ones too', async () => {
    await get(BTC_PRICE);
    await get('/nowhere');
    exchange.setFault('binance', { kind: 'status', status: 500 });
    await get(BTC_PRICE);
    await fetch(`${exchange.url('okx')}/api/v5/market/ticker?instId=BTC-USDT`);
    expect(exchange.requestCount('binance')).toBe(3);
    expect(exchange.requestCount('okx')).toBe(1);
    expect(exchange.requestCount()).toBe(4);
    exchange.resetCounts();
    expect(exchange.requestCount()).toBe(0);
  });
});

describe('FakeExchange faults', () => {
  it('answers a status fault with the exchange error body and Retry-After', async () => {
    exchange.setFault('binance', { kind: 'status', status: 429, retryAfterSeconds: 7 });
    const response = await get(BTC_PRICE);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toMatchObject({ code: -1003 });
    exchange.setFault('binance', undefined);
    expect((await get(BTC_PRICE)).status).toBe(200);
  });

  it('answers garbage that is not JSON', async () => {
    exchange.setFault('binance', { kind: 'garbage' });
    const response = await get(BTC_PRICE);
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow();
  });

  it('lets handlers change the shape, or report zero and negative prices', async () => {
    exchange.setFault('binance', { kind: 'schema' });
    expect(await (await get(BTC_PRICE)).json()).toEqual({ symbol: 'BTCUSDT', lastPrice: '65000.12000000' });
    exchange.setFault('binance', { kind: 'zero' });
    expect(await (await get(BTC_PRICE)).json()).toMatchObject({ price: '0.00000000' });
    exchange.setFault('binance', { kind: 'negative' });
    expect(await (await get(BTC_PRICE)).json()).toMatchObject({ price: '-65000.12000000' });
  });

  it('hangs requests until the fault is cleared, and only on that exchange', async () => {
    exchange.setFault('binance', { kind: 'hang' });
    const hung = get(BTC_PRICE);
    const outcome = await Promise.race([hung.then(() => 'answered'), delay(300).then(() => 'still waiting')]);
    expect(outcome).toBe('still waiting');
    expect((await fetch(`${exchange.url('okx')}/api/v5/market/ticker?instId=BTC-USDT`)).status).toBe(200);
    exchange.setFault('binance', undefined);
    await expect(hung).rejects.toThrow();
    expect((await get(BTC_PRICE)).status).toBe(200);
  });

  it('ends hung requests when it closes', async () => {
    exchange.setFault('binance', { kind: 'hang' });
    const hung = get(BTC_PRICE);
    await delay(50);
    await exchange.close();
    await expect(hung).rejects.toThrow();
    exchange = await FakeExchange.start();
  });
});

describe('FakeExchange streams', () => {
  it('pushes price changes to subscribed sockets and counts connections', async () => {
    const socket = await WsRecorder.open(exchange.wsUrl('binance'));
    expect(exchange.connectionCount('binance')).toBe(1);
    socket.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@miniTicker'], id: 7 }));
    expect(JSON.parse(await socket.next((t) => t.includes('"id":7')))).toEqual({ result: null, id: 7 });
    expect(JSON.parse(await socket.next((t) => t.includes('24hrMiniTicker')))).toMatchObject({
      s: 'BTCUSDT',
      c: '65000.12000000',
    });
    exchange.setPrice('binance', 'BTC', 'USDT', '65100');
    expect(JSON.parse(await socket.next((t) => t.includes('24hrMiniTicker')))).toMatchObject({
      c: '65100.00000000',
    });
    exchange.setPrice('okx', 'BTC', 'USDT', '1');
    exchange.setPrice('binance', 'ETH', 'USDT', '3500');
    exchange.setPrice('binance', 'BTC', 'USDT', '65200');
    expect(JSON.parse(await socket.next((t) => t.includes('24hrMiniTicker')))).toMatchObject({
      c: '65200.00000000',
    });
    socket.close();
    await socket.closed;
    await waitUntil(() => exchange.connectionCount('binance') === 0);
  });

  it('drops open sockets at once, and every new one, until the fault is cleared', async () => {
    const open = await WsRecorder.open(exchange.wsUrl('binance'));
    exchange.setFault('binance', { kind: 'ws-drop' });
    expect(await open.closed).toBe(1006);
    const next = await WsRecorder.open(exchange.wsUrl('binance'));
    expect(await next.closed).toBe(1006);
    expect(exchange.connectionCount('binance')).toBe(0);
    exchange.setFault('binance', undefined);
    const healthy = await WsRecorder.open(exchange.wsUrl('binance'));
    await delay(100);
    expect(exchange.connectionCount('binance')).toBe(1);
    healthy.close();
  });

  it('serves a stream at its real path and at the bare exchange prefix, nowhere else', async () => {
    const bare = await WsRecorder.open(`ws://127.0.0.1:${exchange.port}/binance`);
    bare.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@miniTicker'], id: 1 }));
    expect(JSON.parse(await bare.next((t) => t.includes('24hrMiniTicker')))).toMatchObject({ s: 'BTCUSDT' });
    bare.close();
    await expect(WsRecorder.open(`ws://127.0.0.1:${exchange.port}/binance/stream`)).rejects.toThrow(/404/);
  });

  it('closes sockets when it closes', async () => {
    const socket = await WsRecorder.open(exchange.wsUrl('kraken'));
    await exchange.close();
    expect(await socket.closed).toBe(1006);
    exchange = await FakeExchange.start();
  });
});

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(10);
  }
}
