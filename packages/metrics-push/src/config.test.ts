import { Secret } from '@oracle/config';
import { describe, expect, it } from 'vitest';
import { detectFormat, resolveTargets } from './config.js';
import { pushConfig } from './fixtures/config.js';

describe('push targets', () => {
  it('detects VictoriaMetrics by its import path and defaults to Pushgateway', () => {
    expect(detectFormat('https://metrics.example/api/v1/import/prometheus')).toBe('victoriametrics');
    expect(detectFormat('https://pushgateway.example:9091')).toBe('pushgateway');
  });

  it('lists the single url first, then targets[], each with its own auth and headers', () => {
    const config = pushConfig({
      url: 'https://user:pw@vm.example/api/v1/import/prometheus',
      headers: { 'x-tenant': 'a' },
      targets: [
        {
          format: 'pushgateway',
          url: 'http://127.0.0.1:9091',
          headers: {},
          basicAuth: { username: 'other', password: new Secret('x') },
        },
      ],
    });
    const targets = resolveTargets(config);
    expect(targets.map((t) => [t.name, t.format, t.basicAuth?.username])).toEqual([
      ['victoriametrics:vm.example', 'victoriametrics', 'pusher'],
      ['pushgateway:127.0.0.1:9091', 'pushgateway', 'other'],
    ]);
    expect(targets[0]?.headers).toEqual({ 'x-tenant': 'a' });
    expect(targets.map((t) => t.name).join()).not.toMatch(/pw|user/);
  });

  it('has no target without a url or targets', () => {
    expect(resolveTargets(pushConfig())).toEqual([]);
  });
});
