import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { Secret } from '@oracle/config';
import { createLogger } from '@oracle/logger';
import { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import { testSourceSettings } from './fixtures/test-source-settings.js';
import { HttpSourceRunner, parseRetryAfter } from './http-source-runner.js';
import type { HttpSourceDefinition, Pair } from './price-source.js';
import type { SourceSettings } from './source-catalog.js';

const quiet = createLogger({
  service: 'test',
  level: 'silent',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});
const BTC: Pair = { base: 'BTC', quote: 'USD' };
const fast = { initialDelayMs: 10, maxDelayMs: 40, multiplier: 2, jitter: 0 };

/** A toy price API: `GET /price?pairs=BTC/USD` → `{"prices":{"BTC/USD":"..."}}` or `{"error":"..."}` (404). */
const schema = z.union([
  z.object({ prices: z.record(z.string(), z.string()) }),
  z.object({ error: z.string() }),
]);
const definition: Partial<HttpSourceDefinition<z.infer<typeof schema>>> = {
  buildRequest: (pairs, ctx) => ({
    path: `/price?pairs=${pairs.map((p) => `${p.base}/${p.quote}`).join(',')}`,
    headers: ctx.apiKey ? { 'x-api-key': ctx.apiKey } : ({} as Record<string, string>),
  }),
  responseSchema: schema,
  toQuotes: (response, pairs) =>
    'error' in response
      ? pairs.map((pair) => ({ pair, error: { kind: 'not_found' as const, message: response.error } }))
      : pairs.map((pair) => ({ pair, price: response.prices[`${pair.base}/${pair.quote}`] ?? 'missing' })),
};

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('HttpSourceRunner', () => {
  let server: Server;
  let proxy: Server;
  let baseUrl: string;
  let proxyUrl: string;
  let proxiedConnects = 0;
  let proxyAuthorization: string | undefined;
  let answers: Handler[] = [];
  const seen: IncomingMessage[] = [];
  let runner: HttpSourceRunner;
  let metrics: AggregatorMetrics;

  const reply =
    (status: number, body: string, headers: Record<string, string> = {}): Handler =>
    (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
    };
  const settings = (
    config: Partial<SourceSettings['config']> = {},
    extra: Partial<SourceSettings> = {},
  ): SourceSettings =>
    testSourceSettings(definition as Partial<HttpSourceDefinition<unknown>>, {
      baseUrl,
      config: { maxRetries: 0, timeoutMs: 1_000, ...config },
      ...extra,
    });
  const requests = async (status: string): Promise<number> =>
    (await metrics.sourceRequests.get()).values.find((v) => v.labels.status === status)?.value ?? 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      (answers.shift() ?? reply(200, '{"prices":{"BTC/USD":"65000"}}'))(req, res);
    });
    // A CONNECT proxy, as a corporate egress proxy would be.
    proxy = createServer();
    proxy.on('connect', (req: IncomingMessage, socket) => {
      proxiedConnects++;
      proxyAuthorization = req.headers['proxy-authorization'];
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(socket).pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
    });
    for (const s of [server, proxy]) await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    answers = [];
    seen.length = 0;
    metrics = new AggregatorMetrics(new Registry());
    runner = new HttpSourceRunner(metrics, { proxy: proxyUrl }, quiet, undefined, fast);
  });

  afterEach(() => runner.close());

  afterAll(async () => {
    server.closeAllConnections();
    proxy.closeAllConnections();
    await Promise.all([server, proxy].map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('retries 5xx with backoff, counting every request', async () => {
    answers = [reply(500, '{}'), reply(503, '{}')];
    const result = await runner.fetchQuotes(settings({ maxRetries: 3 }), [BTC]);
    expect(result).toEqual({ ok: true, value: [{ pair: BTC, price: '65000' }] });
    expect([await requests('500'), await requests('503'), await requests('200')]).toEqual([1, 1, 1]);
  });

  it('waits for Retry-After before retrying a 429', async () => {
    answers = [reply(429, '{}', { 'retry-after': '1' })];
    const started = Date.now();
    const result = await runner.fetchQuotes(settings({ maxRetries: 1 }), [BTC]);
    expect(result.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const now = Date.UTC(2026, 0, 1);
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter(new Date(now + 5_000).toUTCString(), now)).toBe(5_000);
    expect(parseRetryAfter('86400', now)).toBe(60_000);
  });

  it('does not retry client errors, and lets the source explain a 4xx body it knows', async () => {
    answers = [reply(401, '{}')];
    const unauthorized = await runner.fetchQuotes(settings({ maxRetries: 3 }), [BTC]);
    expect(!unauthorized.ok && unauthorized.error.kind).toBe('unauthorized');
    expect(seen).toHaveLength(1);
    answers = [reply(404, '{"error":"unknown pair BTC/USD"}')];
    expect(await runner.fetchQuotes(settings(), [BTC])).toEqual({
      ok: true,
      value: [{ pair: BTC, error: { kind: 'not_found', message: 'unknown pair BTC/USD' } }],
    });
    answers = [reply(400, '<html>bad request</html>')];
    const bad = await runner.fetchQuotes(settings(), [BTC]);
    expect(!bad.ok && [bad.error.kind, bad.error.status]).toEqual(['http', 400]);
  });

  it('names the source in bad_json and schema errors', async () => {
    answers = [reply(200, '<html>cloudflare</html>'), reply(200, '{"data":[1,2]}')];
    const garbage = await runner.fetchQuotes(settings(), [BTC]);
    expect(!garbage.ok && garbage.error).toMatchObject({
      kind: 'bad_json',
      message: 'kraken: response body is not JSON',
    });
    const drift = await runner.fetchQuotes(settings(), [BTC]);
    expect(!drift.ok && drift.error.kind).toBe('schema');
    expect(!drift.ok && drift.error.message).toMatch(/^kraken: response does not match the expected schema/);
  });

  it('turns a request without an answer into a timeout, and a closed port into a network error', async () => {
    answers = [() => undefined];
    const started = Date.now();
    const slow = await runner.fetchQuotes(settings({ timeoutMs: 150 }), [BTC]);
    expect(!slow.ok && slow.error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_000);
    const refused = await runner.fetchQuotes(settings({}, { baseUrl: 'http://127.0.0.1:9' }), [BTC]);
    expect(!refused.ok && refused.error.kind).toBe('network');
    expect(await requests('timeout')).toBe(1);
  });

  it('rejects zero, negative and non-numeric prices and normalises the rest', async () => {
    const pairs = ['A', 'B', 'C', 'D'].map((base) => ({ base, quote: 'USD' }));
    answers = [reply(200, '{"prices":{"A/USD":"0","B/USD":"-1.5","C/USD":"1e-3","D/USD":"abc"}}')];
    const result = await runner.fetchQuotes(settings({}, { maxBatchSize: 4 }), pairs);
    expect(result.ok && result.value.map((r) => ('price' in r ? r.price : r.error.kind))).toEqual([
      'invalid_price',
      'invalid_price',
      '0.001',
      'invalid_price',
    ]);
  });

  it('puts the API key into the request through the source context, and goes through a proxy when asked', async () => {
    const before = proxiedConnects;
    const viaProxy = await runner.fetchQuotes(settings({}, { context: { apiKey: 'k-123' }, proxy: true }), [
      BTC,
    ]);
    expect(viaProxy.ok).toBe(true);
    expect(seen[0]?.headers['x-api-key']).toBe('k-123');
    expect(proxiedConnects).toBe(before + 1);
  });

  it("goes through a source's own proxy given as a secret, with the credentials it holds", async () => {
    const before = proxiedConnects;
    const own = new Secret(proxyUrl.replace('http://', 'http://proxy-user:proxy-pass@'));
    const noGlobalProxy = new HttpSourceRunner(metrics, { proxy: undefined }, quiet, undefined, fast);
    const viaOwnProxy = await noGlobalProxy.fetchQuotes(settings({}, { proxy: own }), [BTC]);
    noGlobalProxy.close();
    expect(viaOwnProxy.ok).toBe(true);
    expect(proxiedConnects).toBe(before + 1);
    expect(proxyAuthorization).toBe(`Basic ${Buffer.from('proxy-user:proxy-pass').toString('base64')}`);
  });
});
