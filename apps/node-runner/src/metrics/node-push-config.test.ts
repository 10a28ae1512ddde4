import { describe, expect, it } from 'vitest';
import type { MetricsPushConfig } from '@oracle/metrics-push';
import { nodePushConfig } from './node-push-config.js';

const aggregatorPush = {
  enabled: true,
  url: 'http://127.0.0.1:9091',
  headers: {},
  targets: [],
  intervalMs: 2_000,
  timeoutMs: 1_000,
  jobName: 'price-aggregator',
  instance: 'local',
  environment: 'development',
  groupingLabels: { network: 'opbnb-testnet', feed: 'clobbers', role: 'clobbers', node: 'clobbers' },
  ttlSeconds: 3_600,
  batchSize: 1_000,
} as MetricsPushConfig;

describe('nodePushConfig', () => {
  it('pushes where the aggregator pushes, as job oracle-node grouped by node', () => {
    const push = nodePushConfig(aggregatorPush, 3);
    expect(push).toMatchObject({
      enabled: true,
      url: 'http://127.0.0.1:9091',
      intervalMs: 2_000,
      instance: 'local',
      environment: 'development',
      jobName: 'oracle-node',
    });
    expect(push.groupingLabels).toEqual({ network: 'opbnb-testnet', node: '3' });
  });

  it('leaves the aggregator configuration as it was', () => {
    nodePushConfig(aggregatorPush, 2);
    expect(aggregatorPush.jobName).toBe('price-aggregator');
    expect(aggregatorPush.groupingLabels).toHaveProperty('feed', 'clobbers');
  });
});
