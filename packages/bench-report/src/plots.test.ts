import { describe, expect, it } from 'vitest';
import { fixture } from '../test/fixture.js';
import { parseXml } from '../test/xml.js';
import { latencyBins, plotsOf } from './plots.js';

const bars = (svg: string) => parseXml(svg).filter((e) => e.attrs.class === 'bar');
const targets = (svg: string) => parseXml(svg).filter((e) => e.attrs.class === 'target');

describe('latencyBins', () => {
  it('turns cumulative buckets into counts per bucket, summed over runs, without the empty tail', () => {
    const run = { '0.5': 1, '0.2': 0, '1': 3, '2': 3, Infinity: 3 };
    expect(latencyBins([run, run])).toEqual([
      { le: 0.2, count: 0 },
      { le: 0.5, count: 2 },
      { le: 1, count: 4 },
    ]);
    expect(latencyBins([{ '5': 0, Infinity: 2 }]).at(-1)).toEqual({ le: Infinity, count: 2 });
    expect(latencyBins([{ NaN: 185 }, { oracle: 3 }])).toEqual([]);
  });
});

describe('plotsOf', () => {
  const [latency, rss, aggregator] = plotsOf([fixture('price-aggregator'), fixture('ocr')]);

  it('always writes the same three plots', () => {
    expect([latency, rss, aggregator].map((p) => p?.file)).toEqual([
      'round-latency.svg',
      'rss-per-process.svg',
      'aggregator-latency.svg',
    ]);
  });

  it('round latency: one bar per bucket up to the last non-empty one', () => {
    const found = bars(latency?.svg ?? '');
    // Fixture buckets 0.1 … 1 s: 0, 4, 16, 24, 16, 6, 6, 4 rounds.
    expect(found.map((b) => Number(b.attrs['data-value']))).toEqual([0, 4, 16, 24, 16, 6, 6, 4]);
    const texts = parseXml(latency?.svg ?? '').map((e) => e.text);
    expect(texts).toEqual(expect.arrayContaining(['≤ 0.1', '0.8–1']));
    expect(texts.some((t) => t.includes('p50 0.38 s, p95 0.79 s; target p50 ≤ 1 s'))).toBe(true);
  });

  it('RSS: every node in every phase, the aggregator, and both targets', () => {
    const found = bars(rss?.svg ?? '');
    expect(found).toHaveLength(3 * 5 + 1);
    expect(
      found.filter((b) => b.attrs['data-series'] === 'nodes, 50 feeds').map((b) => b.attrs['data-value']),
    ).toEqual(['72', '85.5', '86', '84.9', '85.1']);
    expect(found.at(-1)?.attrs).toMatchObject({ 'data-series': 'aggregator', 'data-value': '162.4' });
    expect(targets(rss?.svg ?? '').map((t) => t.attrs['data-value'])).toEqual(['90', '150']);
  });

  it('aggregator latency: p50 and p99 per endpoint with the batch p99 target', () => {
    const found = bars(aggregator?.svg ?? '');
    expect(found.map((b) => [b.attrs['data-series'], b.attrs['data-value']])).toEqual([
      ['p50', '1.6'],
      ['p99', '4.2'],
      ['p50', '1.1'],
      ['p99', '3.4'],
      ['p50', '3.9'],
      ['p99', '8.7'],
    ]);
    expect(targets(aggregator?.svg ?? '').map((t) => t.attrs['data-value'])).toEqual(['10']);
  });

  it('says so when there is no data, and stays well-formed', () => {
    for (const plot of plotsOf([])) {
      expect(bars(plot.svg).filter((b) => Number(b.attrs['data-value']) > 0)).toEqual([]);
      expect(parseXml(plot.svg).some((e) => e.text.startsWith('no data'))).toBe(true);
    }
  });
});
