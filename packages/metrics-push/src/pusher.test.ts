import { PassThrough } from 'node:stream';
import {
  HttpRequestError,
  type HttpRequestFunction,
  type HttpRequestOptions,
  type HttpResponse,
} from '@oracle/core';
import { createLogger } from '@oracle/logger';
import { Registry, Gauge } from 'prom-client';
import { waitFor } from '@oracle/testing';
import { describe, expect, it } from 'vitest';
import type { MetricsPushConfig } from './config.js';
import { pushConfig, PUSH_PASSWORD } from './fixtures/config.js';
import { createMetricsPusher } from './pusher.js';

const noDelay = { initialDelayMs: 1, maxDelayMs: 1, multiplier: 1, jitter: 0 };

function setup(
  config: MetricsPushConfig,
  respond: (call: number, options: HttpRequestOptions) => Promise<HttpResponse> | HttpResponse,
) {
  const registry = new Registry();
  new Gauge({ name: 'answer', help: 'The answer.', registers: [registry] }).set(42);
  const logStream = new PassThrough();
  let logs = '';
  logStream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  const calls: Array<{ url: string; body: string; auth: string | null }> = [];
  const request: HttpRequestFunction = async (url, options) => {
    calls.push({ url, body: String(options.body), auth: options.headers?.authorization ?? null });
    return respond(calls.length, options);
  };
  const pusher = createMetricsPusher({
    registry,
    config,
    logger: createLogger({ service: 'test', level: 'debug', destination: logStream }),
    request,
    backoff: noDelay,
  });
  const count = async (result: string): Promise<number> => {
    const metric = await registry.getSingleMetric('metrics_push_total')?.get();
    return metric?.values.find((v) => v.labels.result === result)?.value ?? Number.NaN;
  };
  return { pusher, calls, count, logs: () => logs };
}

const pushgateway = pushConfig({ url: 'http://127.0.0.1:9/', targets: [] });

describe('createMetricsPusher', () => {
  it('retries a 503 within the interval and counts one success', async () => {
    const { pusher, calls, count } = setup(pushgateway, (n) => ({ status: n < 3 ? 503 : 200, body: 'busy' }));
    const outcomes = await pusher.pushNow();
    expect(outcomes).toEqual([{ target: 'pushgateway:127.0.0.1:9', ok: true, attempts: 3 }]);
    expect(calls).toHaveLength(3);
    expect(calls[0]?.body).toMatch(/^answer 42$/m);
    expect(await count('success')).toBe(1);
    expect(await count('failure')).toBe(0);
  });

  it('counts a rejected push as a failure without retrying, throwing, or logging the password', async () => {
    const { pusher, calls, count, logs } = setup(pushgateway, () => ({ status: 401, body: 'unauthorized' }));
    const [outcome] = await pusher.pushNow();
    expect(outcome).toMatchObject({ ok: false, attempts: 1, error: 'HTTP 401: unauthorized' });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.auth).toBe(`Basic ${Buffer.from(`pusher:${PUSH_PASSWORD}`).toString('base64')}`);
    expect(await count('failure')).toBe(1);
    expect(logs()).toContain('Metrics push failed');
    expect(logs()).not.toContain(PUSH_PASSWORD);
    expect(logs()).not.toContain(Buffer.from(`pusher:${PUSH_PASSWORD}`).toString('base64'));
  });

  it('gives up on an unreachable target when the next push is due', async () => {
    const config = { ...pushgateway, intervalMs: 300, timeoutMs: 50 };
    const { pusher, calls } = setup(config, () =>
      Promise.reject(new HttpRequestError('network', 'ECONNREFUSED')),
    );
    const started = Date.now();
    const [outcome] = await pusher.pushNow();
    expect(outcome).toMatchObject({ ok: false, error: 'network error: ECONNREFUSED' });
    expect(calls.length).toBeGreaterThan(1);
    // Retries stop when the next one could not finish before the next push is due.
    expect(Date.now() - started).toBeLessThan(config.intervalMs + config.timeoutMs + 1_000);
  });

  it('stamps every push body with the time it was built', async () => {
    const { pusher, calls } = setup(pushgateway, () => ({ status: 200, body: '' }));
    const stamp = (body: string | undefined): number =>
      Number(/^metrics_push_timestamp_seconds (\S+)$/m.exec(body ?? '')?.[1]);
    const before = Date.now() / 1000;
    await pusher.pushNow();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await pusher.pushNow();
    const after = Date.now() / 1000;
    const [first, second] = calls.map((call) => stamp(call.body));
    expect(first).toBeGreaterThanOrEqual(before);
    expect(second).toBeGreaterThan(first as number);
    expect(second).toBeLessThanOrEqual(after);
  });

  it('never runs two pushes at once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { pusher, calls } = setup(pushgateway, async () => (await gate, { status: 200, body: '' }));
    const first = pusher.pushNow();
    const second = pusher.pushNow();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toHaveLength(1);
    release();
    expect(await second).toEqual(await first);
    expect(calls).toHaveLength(1);
  });

  it('pushes soon after start, then every interval, and once more on stop', async () => {
    const config = { ...pushgateway, intervalMs: 150 };
    const { pusher, calls } = setup(config, () => ({ status: 200, body: '' }));
    const started = Date.now();
    pusher.start();
    await waitFor(() => calls.length >= 1, { timeoutMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(1_500);
    await waitFor(() => calls.length >= 3, { timeoutMs: 5_000, what: 'two more periodic pushes' });
    await pusher.stop();
    const afterStop = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(calls.length).toBe(afterStop);
  });

  it('makes exactly one push on stop', async () => {
    const { pusher, calls } = setup(pushgateway, () => ({ status: 200, body: '' }));
    pusher.start();
    await pusher.stop();
    expect(calls).toHaveLength(1);
  });

  it('bounds the last push on stop by timeoutMs', async () => {
    const config = { ...pushgateway, timeoutMs: 100 };
    // Like httpRequest, the hanging request gives up after timeoutMs or when its signal aborts.
    const hang = (_: number, options: HttpRequestOptions) =>
      new Promise<HttpResponse>((_resolve, reject) => {
        setTimeout(() => reject(new HttpRequestError('timeout')), options.timeoutMs);
        options.signal?.addEventListener('abort', () => reject(new HttpRequestError('aborted')));
      });
    const { pusher } = setup(config, hang);
    pusher.start();
    const started = Date.now();
    await pusher.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('does nothing when disabled', async () => {
    const { pusher, calls } = setup({ ...pushgateway, enabled: false }, () => ({ status: 200, body: '' }));
    pusher.start();
    expect(await pusher.pushNow()).toEqual([]);
    await pusher.stop();
    expect(calls).toHaveLength(0);
  });
});
