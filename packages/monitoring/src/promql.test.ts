import { describe, expect, it } from 'vitest';
import { compressDuration, compressRanges, durationSeconds, vectorSelectors } from './promql.js';

describe('vectorSelectors', () => {
  it('finds selectors, skipping functions, keywords, label lists, numbers and durations', () => {
    const expr = `(
      max by (instance, feed) (a_total{job="x", feed=~"$feed"} and on (job, node) (changes(b_seconds[2m]) > 0))
      or max by (feed) (quorum) * 0
    ) < on (feed) group_left (role) max by (feed) (quorum) / 1e18 + histogram_quantile(0.5, sum by (le) (rate(h_bucket[$__rate_interval])))`;
    expect(vectorSelectors(expr)).toEqual([
      'a_total{job="x", feed=~"$feed"}',
      'b_seconds',
      'quorum',
      'h_bucket',
    ]);
  });

  it('keeps label values that look like keywords or metric names inside strings', () => {
    expect(vectorSelectors('absent(m{job="price-aggregator"}) or absent(m{job="on"})')).toEqual([
      'm{job="price-aggregator"}',
      'm{job="on"}',
    ]);
  });
});

describe('durations', () => {
  it('reads Prometheus durations', () => {
    expect(durationSeconds('90s')).toBe(90);
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(() => durationSeconds('5 minutes')).toThrow(/not a Prometheus duration/);
  });

  it('compresses to whole seconds, at least one', () => {
    expect(compressDuration('5m', 12)).toBe('25s');
    expect(compressDuration('1h', 12)).toBe('300s');
    expect(compressDuration('1s', 12)).toBe('1s');
  });

  it('compresses only range windows', () => {
    expect(compressRanges('increase(x[15m]) > 60 and changes(y[2m]) > 0', 12)).toBe(
      'increase(x[75s]) > 60 and changes(y[10s]) > 0',
    );
  });
});
