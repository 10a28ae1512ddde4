import { describe, expect, it } from 'vitest';
import { resolveTargets } from './config.js';
import { pushConfig, PUSH_PASSWORD } from './fixtures/config.js';
import { buildPushRequests, EXPOSITION_CONTENT_TYPE, type PushLabels } from './requests.js';

const labels: PushLabels = {
  job: 'price-aggregator',
  instance: 'tee-1',
  environment: 'test',
  groupingLabels: { service: 'aggregator', region: 'eu/west' },
  ttlSeconds: 3600,
};
const body = '# TYPE m gauge\nm{a="1"} 1\nm{a="2"} 2\nm{a="3"} 3\n';

describe('buildPushRequests', () => {
  it('Pushgateway: one PUT of the body as is, the identity and ttl in the grouping path, basic auth', () => {
    const [target] = resolveTargets(
      pushConfig({ url: 'http://127.0.0.1:9091/', headers: { 'X-Org': '1' }, targets: [] }),
    );
    const requests = buildPushRequests(target!, body, labels, 2);
    expect(requests).toHaveLength(1);
    const [put] = requests;
    expect(put?.method).toBe('PUT');
    expect(put?.url).toBe(
      'http://127.0.0.1:9091/metrics/job/price-aggregator/service/aggregator/region@base64/ZXUvd2VzdA/instance/tee-1/environment/test/ttl/3600',
    );
    expect(put?.body).toBe(body);
    expect(put?.headers['content-type']).toBe(EXPOSITION_CONTENT_TYPE);
    expect(put?.headers['x-org']).toBe('1');
    expect(put?.headers.authorization).toBe(
      `Basic ${Buffer.from(`pusher:${PUSH_PASSWORD}`).toString('base64')}`,
    );
  });

  it('VictoriaMetrics: POSTs of batchSize samples as rendered, the labels as extra_label arguments, no ttl', () => {
    const [target] = resolveTargets(
      pushConfig({ url: 'http://vm:8428/api/v1/import/prometheus?db=1', targets: [] }, 'none'),
    );
    const requests = buildPushRequests(target!, body, labels, 2);
    const url =
      'http://vm:8428/api/v1/import/prometheus?db=1' +
      '&extra_label=service%3Daggregator&extra_label=region%3Deu%2Fwest&extra_label=job%3Dprice-aggregator' +
      '&extra_label=instance%3Dtee-1&extra_label=environment%3Dtest';
    expect(requests.map((r) => [r.method, r.url])).toEqual([
      ['POST', url],
      ['POST', url],
    ]);
    expect(requests[0]?.body).toBe('# TYPE m gauge\nm{a="1"} 1\nm{a="2"} 2\n');
    expect(requests[1]?.body).toBe('# TYPE m gauge\nm{a="3"} 3\n');
    expect(requests[0]?.headers).not.toHaveProperty('authorization');
    expect(new URL(url).searchParams.getAll('extra_label')).toContain('region=eu/west');
  });
});
