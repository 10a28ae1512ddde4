import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createLogger } from '@oracle/logger';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { SourceError, SourcePrice, StreamSourceDefinition } from '../sources/price-source.js';
import { StreamClient, type StreamClientEvents } from './stream-client.js';

/** A toy exchange protocol: `{"sub":[...]}` to subscribe, frames `BASE/QUOTE=price`. */
const definition: StreamSourceDefinition = {
  id: 'binance',
  defaultWsUrl: 'ws://unused',
  maxPairsPerMessage: 2,
  subscribeMessages: (pairs) => [JSON.stringify({ sub: pairs.map((p) => `${p.base}/${p.quote}`) })],
  unsubscribeMessages: (pairs) => [JSON.stringify({ unsub: pairs.map((p) => `${p.base}/${p.quote}`) })],
  parseMessage(text) {
    const match = /^(\w+)\/(\w+)=([\d.]+)$/.exec(text);
    if (!match) return { type: 'error', error: { kind: 'bad_json', message: `unreadable: ${text}` } };
    return {
      type: 'prices',
      prices: [{ pair: { base: match[1] as string, quote: match[2] as string }, price: match[3] as string }],
    };
  },
};

const quiet = createLogger({
  service: 'test',
  level: 'silent',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('StreamClient', () => {
  let server: WebSocketServer;
  let url: string;
  const connections: WebSocket[] = [];
  const connectedPaths: string[] = [];
  const received: string[][] = [];
  const prices: SourcePrice[] = [];
  const errors: SourceError[] = [];
  const opened: boolean[] = [];
  const delays: number[] = [];
  let client: StreamClient | undefined;

  const events: StreamClientEvents = {
    prices: (p) => prices.push(...p),
    error: (e) => errors.push(e),
    frame: () => undefined,
    connection: (open) => opened.push(open),
    reconnecting: (_attempt, delayMs) => delays.push(delayMs),
  };

  function startClient(heartbeatIntervalMs = 5_000, streamDefinition = definition): StreamClient {
    client = new StreamClient({
      definition: streamDefinition,
      configuredWsUrl: url,
      context: {},
      heartbeatIntervalMs,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100, multiplier: 2, jitter: 0 },
      events,
      logger: quiet,
    });
    return client;
  }

  beforeEach(async () => {
    connections.length = 0;
    connectedPaths.length = 0;
    received.length = 0;
    prices.length = 0;
    errors.length = 0;
    opened.length = 0;
    delays.length = 0;
    // autoPong off: the server ignores pings, like an exchange whose socket went silent.
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: false });
    server.on('connection', (ws, req) => {
      const frames: string[] = [];
      connections.push(ws);
      connectedPaths.push(req.url ?? '');
      received.push(frames);
      ws.on('message', (data) => frames.push(String(data)));
    });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    client?.stop();
    for (const ws of server.clients) ws.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  it('subscribes its pairs in chunks, and again after the server drops it', async () => {
    const stream = startClient();
    stream.add([
      { base: 'BTC', quote: 'USD' },
      { base: 'ETH', quote: 'USD' },
      { base: 'SOL', quote: 'USD' },
    ]);
    await until(() => received[0]?.length === 2);
    expect(received[0]).toEqual(['{"sub":["BTC/USD","ETH/USD"]}', '{"sub":["SOL/USD"]}']);

    connections[0]?.terminate();
    await until(() => received[1]?.length === 2);
    expect(received[1]).toEqual(received[0]);
    expect(opened).toEqual([true, false, true]);

    stream.remove([{ base: 'ETH', quote: 'USD' }]);
    stream.add([{ base: 'ADA', quote: 'USD' }]);
    await until(() => received[1]?.length === 4);
    expect(received[1]?.slice(2)).toEqual(['{"unsub":["ETH/USD"]}', '{"sub":["ADA/USD"]}']);
  });

  it('reports prices, and reports and drops garbage frames without closing', async () => {
    startClient().add([{ base: 'BTC', quote: 'USD' }]);
    await until(() => connections.length === 1 && received[0]?.length === 1);
    connections[0]?.send('%%% not a frame');
    connections[0]?.send('BTC/USD=65000.5');
    await until(() => prices.length === 1);
    expect(prices).toEqual([{ pair: { base: 'BTC', quote: 'USD' }, price: '65000.5' }]);
    expect(errors.map((e) => e.kind)).toEqual(['bad_json']);
    expect(connections).toHaveLength(1);
  });

  it('declares a socket silent for two heartbeat periods dead and reconnects', async () => {
    startClient(100).add([{ base: 'BTC', quote: 'USD' }]);
    await until(() => connections.length === 1);
    const started = Date.now();
    await until(() => connections.length === 2);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('reconnects when the pairs are part of the URL, and only subscribes when the URL merely carries a key', async () => {
    const inUrl: StreamSourceDefinition = {
      ...definition,
      connectUrl: (base, pairs) => `${base}/?streams=${pairs.map((p) => p.base).join('.')}`,
      subscribeMessages: () => [],
    };
    const byUrl = startClient(5_000, inUrl);
    byUrl.add([{ base: 'BTC', quote: 'USD' }]);
    await until(() => byUrl.isOpen);
    byUrl.add([{ base: 'ETH', quote: 'USD' }]);
    await until(() => connectedPaths.length === 2 && byUrl.isOpen);
    expect(connectedPaths).toEqual(['/?streams=BTC', '/?streams=BTC.ETH']);
    byUrl.stop();

    connectedPaths.length = 0;
    const withKey = startClient(5_000, {
      ...definition,
      connectUrl: (base, _pairs, ctx) => `${base}/?key=${ctx.apiKey ?? 'none'}`,
    });
    withKey.add([{ base: 'BTC', quote: 'USD' }]);
    await until(() => withKey.isOpen && received.at(-1)?.length === 1);
    withKey.add([{ base: 'ETH', quote: 'USD' }]);
    await until(() => received.at(-1)?.length === 2);
    expect(received.at(-1)).toEqual(['{"sub":["BTC/USD"]}', '{"sub":["ETH/USD"]}']);
    expect(connectedPaths).toEqual(['/?key=none']);
  });

  it('keeps reconnecting to an exchange that refuses, with exponential backoff up to the cap', async () => {
    await new Promise((resolve) => server.close(resolve)); // nothing listens at `url` any more
    startClient().add([{ base: 'BTC', quote: 'USD' }]);
    await until(() => delays.length >= 6);
    expect(delays.slice(0, 6)).toEqual([20, 40, 80, 100, 100, 100]);
    expect(connections).toHaveLength(0);
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' }); // for afterEach to close
    await new Promise((resolve) => server.once('listening', resolve));
  });

  it('closes the stream when no pair is left and stops reconnecting once stopped', async () => {
    const stream = startClient();
    stream.add([{ base: 'BTC', quote: 'USD' }]);
    await until(() => connections.length === 1 && stream.isOpen);
    stream.remove([{ base: 'BTC', quote: 'USD' }]);
    await until(() => !stream.isOpen);
    stream.add([{ base: 'BTC', quote: 'USD' }]);
    await until(() => connections.length === 2 && stream.isOpen);
    stream.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connections).toHaveLength(2);
    expect(stream.isOpen).toBe(false);
  });
});
