import { Secret } from '@oracle/config';
import { createLogger } from '@oracle/logger';
import {
  freePort,
  startPushgateway,
  TEST_BASIC_AUTH,
  waitFor,
  type RunningPushgateway,
} from '@oracle/testing';
import { Counter, Gauge, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsPushConfig } from '../src/config.js';
import { pushConfig } from '../src/fixtures/config.js';
import { createMetricsPusher, type MetricsPusher } from '../src/pusher.js';

interface PushedGroup {
  labels: Record<string, string>;
  [metric: string]: unknown;
}
interface PushedFamily {
  type: string;
  metrics: Array<{ labels: Record<string, string>; value: string }>;
}

async function groups(
  gateway: RunningPushgateway,
  headers: Record<string, string> = {},
): Promise<PushedGroup[]> {
  const response = await fetch(`${gateway.url}/api/v1/metrics`, { headers });
  return ((await response.json()) as { data: PushedGroup[] }).data;
}

function exampleRegistry(): Registry {
  const registry = new Registry();
  new Gauge({ name: 'cache_size', help: 'Entries.', labelNames: ['source'], registers: [registry] }).set(
    { source: 'binance' },
    17,
  );
  new Counter({
    name: 'quotes_processed_total',
    help: 'Quotes.',
    labelNames: ['note'],
    registers: [registry],
  }).inc({ note: 'say "hi" \\ bye' }, 3);
  return registry;
}

const logger = createLogger({ service: 'metrics-push-test', level: 'silent' });
const auth = (password: string) => ({ username: TEST_BASIC_AUTH.username, password: new Secret(password) });

describe('pushing to a real Pushgateway 1.5', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  const pusherFor = (config: MetricsPushConfig, registry = exampleRegistry()): MetricsPusher => {
    const pusher = createMetricsPusher({ registry, config, logger });
    cleanup.push(() => pusher.stop());
    return pusher;
  };

  it('PUTs the registry under job/instance/grouping labels/ttl, values intact', async () => {
    const gateway = await startPushgateway();
    cleanup.push(() => gateway.stop());
    const config = pushConfig(
      {
        url: gateway.url,
        jobName: 'price-aggregator',
        instance: 'tee-1',
        environment: 'test',
        groupingLabels: { service: 'aggregator', region: 'eu/west' },
        targets: [],
      },
      'none',
    );
    const [outcome] = await pusherFor(config).pushNow();
    expect(outcome).toMatchObject({ ok: true, attempts: 1 });

    const [group, ...others] = await groups(gateway);
    expect(others).toEqual([]);
    const identity = {
      job: 'price-aggregator',
      instance: 'tee-1',
      environment: 'test',
      service: 'aggregator',
      region: 'eu/west',
      ttl: '3600',
    };
    expect(group?.labels).toEqual(identity);
    const cache = group?.cache_size as PushedFamily;
    expect(cache.type).toBe('GAUGE');
    expect(cache.metrics).toEqual([{ labels: { ...identity, source: 'binance' }, value: '17' }]);
    const quotes = group?.quotes_processed_total as PushedFamily;
    expect(quotes.metrics).toEqual([{ labels: { ...identity, note: 'say "hi" \\ bye' }, value: '3' }]);
    // The pusher's own counters travel in the same push.
    expect(group?.metrics_push_total).toBeDefined();
  });

  it('authenticates with basic auth from a web config file; a wrong password is a counted failure', async () => {
    const gateway = await startPushgateway({ basicAuth: TEST_BASIC_AUTH });
    cleanup.push(() => gateway.stop());
    const registry = exampleRegistry();
    const good = pusherFor(
      { ...pushConfig({ url: gateway.url, targets: [] }, 'none'), basicAuth: auth(TEST_BASIC_AUTH.password) },
      registry,
    );
    expect((await good.pushNow())[0]?.ok).toBe(true);

    const wrong = pusherFor({
      ...pushConfig({ url: gateway.url, jobName: 'other', targets: [] }, 'none'),
      basicAuth: auth('wrong'),
    });
    const [outcome] = await wrong.pushNow();
    expect(outcome).toMatchObject({ ok: false, attempts: 1, error: expect.stringMatching(/^HTTP 401/) });

    const authorization = `Basic ${Buffer.from(`${TEST_BASIC_AUTH.username}:${TEST_BASIC_AUTH.password}`).toString('base64')}`;
    const jobs = (await groups(gateway, { authorization })).map((g) => g.labels.job);
    expect(jobs).toEqual(['price-aggregator']);
  });

  it('counts failures while the target is down, without throwing, and recovers when it comes back', async () => {
    const port = await freePort();
    const registry = exampleRegistry();
    const config = {
      ...pushConfig({ url: `http://127.0.0.1:${port}`, targets: [] }, 'none'),
      intervalMs: 1_000,
      timeoutMs: 300,
    };
    const pusher = pusherFor(config, registry);
    const count = async (result: string): Promise<number> =>
      (await registry.getSingleMetric('metrics_push_total')?.get())?.values.find(
        (v) => v.labels.result === result,
      )?.value ?? 0;

    pusher.start();
    await waitFor(async () => (await count('failure')) >= 1, { timeoutMs: 5_000, what: 'a counted failure' });
    expect(await count('success')).toBe(0);

    const gateway = await startPushgateway({ port });
    cleanup.push(() => gateway.stop());
    await waitFor(async () => (await count('success')) >= 1, { timeoutMs: 5_000, what: 'a successful push' });
    const [group] = await groups(gateway);
    expect((group?.metrics_push_total as PushedFamily).metrics).toContainEqual({
      labels: expect.objectContaining({ result: 'failure', target: `pushgateway:127.0.0.1:${port}` }),
      value: expect.stringMatching(/^[1-9]/),
    });
  });
});
