import { Secret } from '@oracle/config';
import { httpRequest, type HttpRequestFunction } from '@oracle/core';
import { createLogger } from '@oracle/logger';
import { startVictoriaMetrics, waitFor, type RunningVictoriaMetrics } from '@oracle/testing';
import { Gauge, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { pushConfig } from '../src/fixtures/config.js';
import { createMetricsPusher } from '../src/pusher.js';

interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
}

async function exportSeries(
  vm: RunningVictoriaMetrics,
  match: string,
  headers: Record<string, string> = {},
): Promise<ExportedSeries[]> {
  await vm.forceFlush();
  const response = await fetch(`${vm.url}/api/v1/export?match[]=${encodeURIComponent(match)}`, { headers });
  const text = (await response.text()).trim();
  return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line) as ExportedSeries);
}

const logger = createLogger({ service: 'metrics-push-test', level: 'silent' });

describe('pushing to a real VictoriaMetrics', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('imports every sample, in batches, with job/instance/environment/grouping labels merged in', async () => {
    const vm = await startVictoriaMetrics();
    cleanup.push(() => vm.stop());
    const registry = new Registry();
    const gauge = new Gauge({
      name: 'cache_size',
      help: 'Entries.',
      labelNames: ['source', 'instance'],
      registers: [registry],
    });
    const sources = ['binance', 'okx', 'kraken', 'say "hi" \\ bye', 'coinbase'];
    sources.forEach((source, i) => gauge.set({ source, instance: 'from-the-app' }, i + 1));
    const config = pushConfig(
      {
        url: vm.importUrl,
        jobName: 'price-aggregator',
        instance: 'tee-1',
        environment: 'test',
        groupingLabels: { service: 'aggregator' },
        batchSize: 2,
        targets: [],
      },
      'none',
    );
    let requests = 0;
    const counting: HttpRequestFunction = (url, options) => (requests++, httpRequest(url, options));
    const pusher = createMetricsPusher({ registry, config, logger, request: counting });
    cleanup.push(() => pusher.stop());

    const [outcome] = await pusher.pushNow();
    expect(outcome).toMatchObject({ ok: true, attempts: 1 });
    // 5 cache_size samples plus the pusher's own (counters and a histogram) in chunks of 2.
    expect(requests).toBeGreaterThanOrEqual(3);

    const series = await waitFor(
      async () => {
        const found = await exportSeries(vm, 'cache_size');
        return found.length === sources.length ? found : undefined;
      },
      { timeoutMs: 10_000, what: 'all cache_size series' },
    );
    const bySource = new Map(series.map((s) => [s.metric.source, s]));
    sources.forEach((source, i) => {
      expect(bySource.get(source)?.metric).toEqual({
        __name__: 'cache_size',
        source,
        job: 'price-aggregator',
        instance: 'tee-1',
        environment: 'test',
        service: 'aggregator',
      });
      expect(bySource.get(source)?.values).toEqual([i + 1]);
    });
  });

  it('authenticates with basic auth; a wrong password is a counted failure, not a throw', async () => {
    const httpAuth = { username: 'pusher', password: 'vm-secret' };
    const vm = await startVictoriaMetrics({ httpAuth });
    cleanup.push(() => vm.stop());
    const registry = new Registry();
    new Gauge({ name: 'auth_check', help: 'Auth.', registers: [registry] }).set(5);
    const base = pushConfig({ url: vm.importUrl, instance: 'tee-1', targets: [] }, 'none');

    const wrong = createMetricsPusher({
      registry,
      logger,
      config: { ...base, basicAuth: { username: 'pusher', password: new Secret('nope') } },
    });
    cleanup.push(() => wrong.stop());
    expect((await wrong.pushNow())[0]).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^HTTP 401/),
    });

    const right = createMetricsPusher({
      registry,
      logger,
      config: { ...base, basicAuth: { username: 'pusher', password: new Secret('vm-secret') } },
    });
    cleanup.push(() => right.stop());
    expect((await right.pushNow())[0]?.ok).toBe(true);
    const authorization = `Basic ${Buffer.from('pusher:vm-secret').toString('base64')}`;
    const series = await waitFor(async () => (await exportSeries(vm, 'auth_check', { authorization }))[0], {
      timeoutMs: 10_000,
      what: 'the authenticated push',
    });
    expect(series.values).toEqual([5]);
    const failures = (await registry.getSingleMetric('metrics_push_total')?.get())?.values.find(
      (v) => v.labels.result === 'failure',
    );
    expect(failures?.value).toBe(1);
  });
});
