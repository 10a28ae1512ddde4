/**
 * Two nodes' registries (a bootstrap node and an oracle) pushed with the node push settings to a
 * real Pushgateway: each node is its own group, and the feed series keep their labels.
 */
import { metricsPushSchema } from '@oracle/config';
import { createLogger } from '@oracle/logger';
import { createMetricsPusher, type MetricsPushConfig } from '@oracle/metrics-push';
import { startPushgateway, type RunningPushgateway } from '@oracle/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NodeMetrics } from '../../src/metrics/node-metrics.js';
import { nodeLabels, nodePushConfig } from '../../src/metrics/node-push-config.js';

interface PushedGroup {
  labels: Record<string, string>;
  [metric: string]: unknown;
}
interface PushedFamily {
  metrics: { labels: Record<string, string>; value: string }[];
}

let gateway: RunningPushgateway;
beforeAll(async () => {
  gateway = await startPushgateway();
});
afterAll(async () => {
  await gateway?.stop();
});

it('pushes each node as its own group of job oracle-node, with its feed series', async () => {
  const { basicAuth: _none, ...parsed } = metricsPushSchema.parse({
    enabled: true,
    url: gateway.url,
    instance: 'tee-1',
    environment: 'test',
    groupingLabels: { network: 'local', feed: 'would-clobber' },
  });
  // No credentials here: drop the (unresolved) secret references the schema's types allow.
  const aggregatorPush: MetricsPushConfig = {
    ...parsed,
    targets: parsed.targets.map(({ basicAuth: _noAuth, ...target }) => target),
  };
  const logger = createLogger({ service: 'node-push-test', level: 'silent' });
  const bootstrap = new NodeMetrics(nodeLabels(1, 'bootstrap'));
  const oracle = new NodeMetrics(nodeLabels(2, 'oracle'));
  oracle.feedAnswer.set({ feed: 'BTC / USD' }, 64123.5);
  oracle.feedOraclesConnected.set({ feed: 'BTC / USD' }, 4);
  for (const [index, metrics] of [
    [1, bootstrap],
    [2, oracle],
  ] as const) {
    const pusher = createMetricsPusher({
      registry: metrics.registry,
      config: nodePushConfig(aggregatorPush, index),
      logger,
    });
    expect(await pusher.pushNow()).toMatchObject([{ ok: true }]);
    await pusher.stop();
  }

  const response = await fetch(`${gateway.url}/api/v1/metrics`);
  const groups = ((await response.json()) as { data: PushedGroup[] }).data;
  expect(groups.map((g) => g.labels).sort((a, b) => (a.node ?? '').localeCompare(b.node ?? ''))).toEqual(
    ['1', '2'].map((node) => ({
      job: 'oracle-node',
      node,
      instance: 'tee-1',
      environment: 'test',
      network: 'local',
      ttl: '3600',
    })),
  );
  const oracleGroup = groups.find((g) => g.labels.node === '2') as PushedGroup;
  const answer = (oracleGroup.oracle_feed_answer as PushedFamily).metrics[0];
  expect(answer?.labels).toMatchObject({ feed: 'BTC / USD', node: '2', role: 'oracle' });
  expect(Number(answer?.value)).toBe(64123.5);
  const stamp = (oracleGroup.metrics_push_timestamp_seconds as PushedFamily).metrics[0];
  expect(Math.abs(Number(stamp?.value) - Date.now() / 1000)).toBeLessThan(60);
});
