/**
 * Faults as a WebSocket client sees them: real `ws` clients against the real server on a free
 * port, for every fault kind that acts on streams, and the recovery after the fault is cleared.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WsRecorder } from '../test/ws-recorder.js';
import { CONTROL_FAULT_PATH, handleControlRequest } from './control.js';
import { FakeExchange } from './server.js';

let exchange: FakeExchange;

beforeEach(async () => {
  exchange = await FakeExchange.start({ unrouted: handleControlRequest });
  exchange.setPriceEverywhere('BTC', 'USDT', '65000');
});

afterEach(async () => {
  await exchange.close();
});

/** How to talk to one exchange's stream: where, how to subscribe to BTC/USDT, which frames are prices, how to ping. */
interface StreamSpec {
  readonly id: string;
  readonly url: () => Promise<string>;
  readonly subscribe: string;
  readonly isPrice: (text: string) => boolean;
  /** A text ping and its answer; undefined = the exchange relies on WebSocket ping frames. */
  readonly ping?: { readonly text: string; readonly isPong: (text: string) => boolean };
}

const frame = (text: string): Record<string, unknown> => {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
};

const STREAMS: readonly StreamSpec[] = [
  {
    id: 'binance',
    url: async () => exchange.wsUrl('binance'),
    subscribe: JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@miniTicker'], id: 1 }),
    isPrice: (t) => frame(t).e === '24hrMiniTicker',
  },
  {
    id: 'okx',
    url: async () => exchange.wsUrl('okx'),
    subscribe: JSON.stringify({ op: 'subscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT' }] }),
    isPrice: (t) => Array.isArray(frame(t).data),
    ping: { text: 'ping', isPong: (t) => t === 'pong' },
  },
  {
    id: 'kraken',
    url: async () => exchange.wsUrl('kraken'),
    subscribe: JSON.stringify({ method: 'subscribe', params: { channel: 'ticker', symbol: ['BTC/USDT'] } }),
    isPrice: (t) => frame(t).channel === 'ticker',
    ping: { text: JSON.stringify({ method: 'ping', req_id: 9 }), isPong: (t) => frame(t).method === 'pong' },
  },
  {
    id: 'coinbase',
    url: async () => exchange.wsUrl('coinbase'),
    subscribe: JSON.stringify({ type: 'subscribe', channel: 'ticker', product_ids: ['BTC-USDT'] }),
    isPrice: (t) => frame(t).channel === 'ticker',
  },
  {
    id: 'kucoin',
    url: async () => {
      const bullet = await fetch(`${exchange.url('kucoin')}/api/v1/bullet-public`, { method: 'POST' });
      const { data } = (await bullet.json()) as { data: { token: string } };
      return `${exchange.wsUrl('kucoin')}?token=${data.token}`;
    },
    subscribe: JSON.stringify({
      id: '1',
      type: 'subscribe',
      topic: '/market/ticker:BTC-USDT',
      response: true,
    }),
    isPrice: (t) => frame(t).type === 'message',
    ping: { text: JSON.stringify({ id: 'p', type: 'ping' }), isPong: (t) => frame(t).type === 'pong' },
  },
  {
    id: 'bybit',
    url: async () => exchange.wsUrl('bybit'),
    subscribe: JSON.stringify({ op: 'subscribe', args: ['tickers.BTCUSDT'] }),
    isPrice: (t) => frame(t).topic === 'tickers.BTCUSDT',
    ping: { text: JSON.stringify({ op: 'ping' }), isPong: (t) => frame(t).ret_msg === 'pong' },
  },
  {
    id: 'finnhub',
    url: async () => `${exchange.wsUrl('finnhub')}?token=test-key`,
    subscribe: JSON.stringify({ type: 'subscribe', symbol: 'BINANCE:BTCUSDT' }),
    isPrice: (t) => frame(t).type === 'trade',
  },
  {
    id: 'cryptocompare',
    url: async () => `${exchange.wsUrl('cryptocompare')}?api_key=test-key`,
    subscribe: JSON.stringify({ action: 'SubAdd', subs: ['5~CCCAGG~BTC~USDT'] }),
    isPrice: (t) => frame(t).TYPE === '5',
  },
];

const spec = (id: string): StreamSpec => STREAMS.find((s) => s.id === id) as StreamSpec;

/** A ping the way the exchange expects it, answered: every frame the server sent before it has arrived. */
async function roundTrip(socket: WsRecorder, stream: StreamSpec): Promise<void> {
  if (!stream.ping) return socket.ping();
  socket.send(stream.ping.text);
  await socket.next(stream.ping.isPong);
}

/** A connection subscribed to BTC/USDT that has received a price (so it is served normally). */
async function subscribed(stream: StreamSpec): Promise<WsRecorder> {
  const socket = await WsRecorder.open(await stream.url());
  socket.send(stream.subscribe);
  await roundTrip(socket, stream);
  exchange.setPrice(stream.id, 'BTC', 'USDT', '65001');
  await socket.next((t) => stream.isPrice(t) && t.includes('65001'));
  return socket;
}

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What `promise` did within `ms`: its value, its error, or 'pending'. */
const within = <T>(promise: Promise<T>, ms: number): Promise<T | Error | 'pending'> =>
  Promise.race([
    promise.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
    delay(ms).then(() => 'pending' as const),
  ]);

/** The HTTP answer to a WebSocket handshake the server refuses. */
function refusal(url: string): Promise<{ status: number; retryAfter?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      socket.terminate();
      reject(new Error('the handshake succeeded'));
    });
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }),
      );
    });
  });
}

const control = (body: unknown): Promise<Response> =>
  fetch(`${exchange.origin}${CONTROL_FAULT_PATH}`, { method: 'POST', body: JSON.stringify(body) });

describe('freeze', () => {
  it.each(STREAMS.map((s) => s.id))(
    '%s: stays open and answers pings but sends no prices, then resumes with the current price',
    async (id) => {
      const stream = spec(id);
      const socket = await subscribed(stream);
      exchange.setFault(id, { kind: 'freeze' });
      const mark = socket.messages.length;
      exchange.setPrice(id, 'BTC', 'USDT', '65002');
      await roundTrip(socket, stream); // anything pushed for 65002 would have arrived before this answer
      expect(socket.messages.slice(mark).filter(stream.isPrice)).toEqual([]);
      expect(exchange.connectionCount(id)).toBe(1);

      exchange.setFault(id, undefined);
      const resumed = await socket.next(stream.isPrice);
      expect(resumed).toContain('65002');
      exchange.setPrice(id, 'BTC', 'USDT', '65003');
      expect(await socket.next(stream.isPrice)).toContain('65003');
      socket.close();
    },
  );

  it('serves new subscriptions without their snapshot, keeps heartbeats going, leaves REST alone', async () => {
    exchange.setFault('binance', { kind: 'freeze' });
    const binance = await WsRecorder.open(exchange.wsUrl('binance'));
    binance.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@miniTicker'], id: 4 }));
    expect(JSON.parse(await binance.next((t) => t.includes('"id":4')))).toEqual({ result: null, id: 4 });
    await binance.ping();
    expect(binance.messages.filter(spec('binance').isPrice)).toEqual([]);
    const rest = await fetch(`${exchange.url('binance')}/api/v3/ticker/price?symbol=BTCUSDT`);
    expect(await rest.json()).toEqual({ symbol: 'BTCUSDT', price: '65000.00000000' });

    exchange.setFault('coinbase', { kind: 'freeze' });
    const coinbase = await WsRecorder.open(exchange.wsUrl('coinbase'));
    coinbase.send(JSON.stringify({ type: 'subscribe', channel: 'heartbeats' }));
    coinbase.send(spec('coinbase').subscribe);
    expect(JSON.parse(await coinbase.next((t) => frame(t).channel === 'heartbeats'))).toMatchObject({
      events: [{ heartbeat_counter: 1 }],
    });
    expect(coinbase.messages.filter(spec('coinbase').isPrice)).toEqual([]);

    exchange.setFault('binance', undefined);
    expect(JSON.parse(await binance.next(spec('binance').isPrice))).toMatchObject({ c: '65000.00000000' });
    binance.close();
    coinbase.close();
  });
});

describe('drop', () => {
  it('cuts open connections without a close frame and every new one, REST still answers; clearing brings streams back', async () => {
    const open = await subscribed(spec('kraken'));
    exchange.setFault('kraken', { kind: 'drop' });
    expect(await open.closed).toBe(1006);

    const next = await WsRecorder.open(exchange.wsUrl('kraken'));
    expect(await next.closed).toBe(1006);
    expect(next.messages).toEqual([]); // not even Kraken's status greeting
    expect(exchange.connectionCount('kraken')).toBe(0);
    const rest = await fetch(`${exchange.url('kraken')}/0/public/Ticker?pair=XBTUSDT`);
    expect(await rest.json()).toMatchObject({
      error: [],
      result: { XBTUSDT: { c: ['65001.00000', expect.any(String)] } },
    });

    exchange.setFault('kraken', undefined);
    const healthy = await subscribed(spec('kraken'));
    expect(exchange.connectionCount('kraken')).toBe(1);
    healthy.close();
  });
});

describe('hang', () => {
  it('silences open connections (no prices, no answers, no pongs) and never answers handshakes; clearing resumes', async () => {
    const okx = await subscribed(spec('okx'));
    exchange.setFault('okx', { kind: 'hang' });
    const mark = okx.messages.length;
    exchange.setPrice('okx', 'BTC', 'USDT', '65002');
    okx.send('ping');
    expect(await within(okx.ping(), 300)).toBe('pending');
    expect(okx.messages.slice(mark)).toEqual([]);
    const handshake = WsRecorder.open(exchange.wsUrl('okx'));
    expect(await within(handshake, 300)).toBe('pending');
    expect(exchange.connectionCount('okx')).toBe(1);

    exchange.setFault('okx', undefined);
    await expect(handshake).rejects.toThrow(); // the held handshake is reset
    expect(await okx.next(spec('okx').isPrice)).toContain('65002');
    await roundTrip(okx, spec('okx'));
    await okx.ping();
    const fresh = await subscribed(spec('okx'));
    fresh.close();
    okx.close();
  });
});

describe('status', () => {
  it('closes open connections and refuses handshakes with the status and the exchange error body', async () => {
    const open = await subscribed(spec('binance'));
    exchange.setFault('binance', { kind: 'status', status: 429, retryAfterSeconds: 5 });
    expect(await open.closed).toBe(1013);
    const refused = await refusal(exchange.wsUrl('binance'));
    expect(refused).toMatchObject({ status: 429, retryAfter: '5' });
    expect(JSON.parse(refused.body)).toMatchObject({ code: -1003 });

    exchange.setFault('binance', { kind: 'status', status: 403 });
    expect((await refusal(exchange.wsUrl('binance'))).status).toBe(403);

    exchange.setFault('binance', undefined);
    const healthy = await subscribed(spec('binance'));
    healthy.close();
  });

  it('closes with 1008 for a client error status', async () => {
    const open = await subscribed(spec('bybit'));
    exchange.setFault('bybit', { kind: 'status', status: 403 });
    expect(await open.closed).toBe(1008);
  });
});

describe('garbage', () => {
  it('replaces every frame with text that is not JSON, on open and new connections; clearing resumes', async () => {
    const binance = await subscribed(spec('binance'));
    const mark = binance.messages.length;
    exchange.setFault('binance', { kind: 'garbage' });
    await binance.next(() => true);
    exchange.setPrice('binance', 'BTC', 'USDT', '65002');
    binance.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@miniTicker'], id: 5 }));
    await binance.next(() => true);
    await binance.next(() => true);
    await binance.next(() => true); // the push, the ack and the snapshot, all garbled
    expect(binance.messages.slice(mark)).toHaveLength(4);
    expect(binance.messages.slice(mark).filter(isJson)).toEqual([]);

    const kraken = await WsRecorder.open(exchange.wsUrl('kraken'));
    expect(JSON.parse(await kraken.next(() => true))).toMatchObject({ channel: 'status' });
    exchange.setFault('kraken', { kind: 'garbage' });
    expect(isJson(await kraken.next(() => true))).toBe(false);
    const garbled = await WsRecorder.open(exchange.wsUrl('kraken'));
    await garbled.next(() => true);
    await garbled.next(() => true); // the connect frame and Kraken's greeting
    expect(garbled.messages.filter(isJson)).toEqual([]);

    exchange.setFault('binance', undefined);
    expect(JSON.parse(await binance.next(() => true))).toMatchObject({
      e: '24hrMiniTicker',
      c: '65002.00000000',
    });
    for (const socket of [binance, kraken, garbled]) socket.close();
  });
});

describe('the control API drives stream faults', () => {
  it('freezes and drops a stream over HTTP and resumes it with null', async () => {
    const bybit = await subscribed(spec('bybit'));
    expect((await control({ source: 'bybit', fault: 'freeze' })).status).toBe(204);
    const mark = bybit.messages.length;
    exchange.setPrice('bybit', 'BTC', 'USDT', '65002');
    await roundTrip(bybit, spec('bybit'));
    expect(bybit.messages.slice(mark).filter(spec('bybit').isPrice)).toEqual([]);
    expect((await control({ source: 'bybit', fault: null })).status).toBe(204);
    expect(await bybit.next(spec('bybit').isPrice)).toContain('65002');

    expect((await control({ source: 'bybit', fault: 'drop' })).status).toBe(204);
    expect(await bybit.closed).toBe(1006);
    expect((await control({ source: 'bybit', fault: null })).status).toBe(204);
    (await subscribed(spec('bybit'))).close();
  });

  it('answers 400 naming the problem, and changes nothing', async () => {
    const refuse = async (body: string): Promise<string> => {
      const answer = await fetch(`${exchange.origin}${CONTROL_FAULT_PATH}`, { method: 'POST', body });
      expect(answer.status).toBe(400);
      return ((await answer.json()) as { error: string }).error;
    };
    const okx = await subscribed(spec('okx'));
    expect(await refuse('freeze')).toMatch(/body must be a JSON object/);
    expect(await refuse('["okx","freeze"]')).toMatch(/body must be a JSON object/);
    expect(await refuse('{"source":"okx","fault":"melt"}')).toMatch(
      /fault must be null or one of .*drop, freeze/,
    );
    expect(await refuse('{"source":"okx","fault":"freeze","status":503}')).toMatch(
      /status is only taken with the status fault/,
    );
    expect(await refuse('{"source":"okex","fault":"drop"}')).toMatch(/source must be one of/);
    exchange.setPrice('okx', 'BTC', 'USDT', '65002');
    expect(await okx.next(spec('okx').isPrice)).toContain('65002');
    okx.close();
  });
});
