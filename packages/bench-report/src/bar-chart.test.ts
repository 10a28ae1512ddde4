import { describe, expect, it } from 'vitest';
import { parseXml, type XmlElement } from '../test/xml.js';
import { barChartSvg, niceAxis, type BarChart } from './bar-chart.js';

const chart: BarChart = {
  title: 'RSS & more',
  yLabel: 'MiB',
  categories: ['node 1\nbootstrap', 'node 2', 'aggregator'],
  series: [
    { name: 'a', values: [50, 100, undefined] },
    { name: 'b', values: [25, undefined, undefined] },
    { name: 'c', values: [undefined, undefined, 150] },
  ],
  targets: [{ label: 'target 90 MiB', value: 90, from: 0, to: 1 }],
};

const num = (e: XmlElement | undefined, attr: string): number => Number(e?.attrs[attr]);

describe('barChartSvg', () => {
  const elements = parseXml(barChartSvg(chart));
  const bars = elements.filter((e) => e.attrs.class === 'bar');

  it('draws one bar per defined value, with its series and value', () => {
    expect(bars.map((b) => [b.attrs['data-series'], b.attrs['data-value']])).toEqual([
      ['a', '50'],
      ['b', '25'],
      ['a', '100'],
      ['c', '150'],
    ]);
  });

  it('makes bar heights proportional to values, on one baseline', () => {
    const [a50, b25, a100, c150] = bars;
    expect(num(a100, 'height') / num(a50, 'height')).toBeCloseTo(2, 1);
    expect(num(a50, 'height') / num(b25, 'height')).toBeCloseTo(2, 1);
    const baseline = num(c150, 'y') + num(c150, 'height');
    for (const bar of bars) expect(num(bar, 'y') + num(bar, 'height')).toBeCloseTo(baseline, 1);
  });

  it('draws the target line at its value over its categories only', () => {
    const [line] = elements.filter((e) => e.attrs.class === 'target');
    const [a50, , , c150] = bars;
    const baseline = num(a50, 'y') + num(a50, 'height');
    const pxPerUnit = num(a50, 'height') / 50;
    expect(baseline - num(line, 'y1')).toBeCloseTo(90 * pxPerUnit, 0);
    expect(num(line, 'x2')).toBeLessThan(num(c150, 'x'));
  });

  it('labels categories (two lines), values, title and legend', () => {
    const texts = elements.map((e) => e.text);
    expect(texts).toEqual(
      expect.arrayContaining(['RSS & more', 'bootstrap', 'node 2', '150', 'target 90 MiB', 'a', 'b', 'c']),
    );
  });

  it('is well-formed with no data at all', () => {
    const empty = parseXml(barChartSvg({ title: 't', yLabel: 'y', categories: [], series: [] }));
    expect(empty.filter((e) => e.attrs.class === 'bar')).toEqual([]);
  });
});

describe('niceAxis', () => {
  it('ends on a round number above the highest value, with round ticks', () => {
    expect(niceAxis(162.4)).toEqual({ max: 200, ticks: [0, 50, 100, 150, 200] });
    expect(niceAxis(8.7).max).toBe(10);
    expect(niceAxis(0.79).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceAxis(0)).toMatchObject({ max: 1 });
  });
});
