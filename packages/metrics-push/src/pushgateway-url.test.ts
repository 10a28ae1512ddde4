import { describe, expect, it } from 'vitest';
import { groupingPathSegment, pushgatewayGroupUrl } from './pushgateway-url.js';

describe('Pushgateway grouping path', () => {
  it('URL-encodes plain values and uses @base64 for values with a slash or empty ones', () => {
    expect(groupingPathSegment('instance', 'tee 1:3003')).toBe('instance/tee%201%3A3003');
    expect(groupingPathSegment('path', '/var/log')).toBe('path@base64/L3Zhci9sb2c');
    expect(Buffer.from('L3Zhci9sb2c', 'base64url').toString()).toBe('/var/log');
    expect(groupingPathSegment('empty', '')).toBe('empty@base64/=');
  });

  it('puts the job first, then the grouping labels in order, under <base>/metrics', () => {
    expect(
      pushgatewayGroupUrl('https://pg.example:9091/prefix/', 'process-metrics', {
        instance: 'tee-1',
        pair: 'BTC/USD',
        ttl: '3600',
      }),
    ).toBe(
      'https://pg.example:9091/prefix/metrics/job/process-metrics/instance/tee-1/pair@base64/QlRDL1VTRA/ttl/3600',
    );
  });

  it('never repeats job as a grouping label', () => {
    expect(pushgatewayGroupUrl('http://h', 'a/b', { job: 'ignored' })).toBe(
      'http://h/metrics/job@base64/YS9i',
    );
  });
});
