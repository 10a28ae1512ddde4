/**
 * A grouped bar chart as SVG: categories along x, one bar per series with a value (centred in its
 * group), value labels on the bars, dashed target lines over a range of categories, and a legend
 * naming the series and the targets.
 */
import { formatNumber } from './format.js';
import { el, svgDocument, type SvgElement } from './svg.js';

export interface BarSeries {
  readonly name: string;
  /** One value per category; undefined draws no bar. */
  readonly values: readonly (number | undefined)[];
}

export interface TargetLine {
  readonly label: string;
  readonly value: number;
  /** First and last category index the line spans; all categories when absent. */
  readonly from?: number;
  readonly to?: number;
}

export interface BarChart {
  readonly title: string;
  readonly subtitle?: string;
  readonly xLabel?: string;
  readonly yLabel: string;
  /** Category labels; `\n` starts a second line. */
  readonly categories: readonly string[];
  readonly series: readonly BarSeries[];
  readonly targets?: readonly TargetLine[];
}

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 440;
const PLOT = { left: 72, right: CHART_WIDTH - 24, top: 100, bottom: CHART_HEIGHT - 76 };
const COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948'];
const TARGET_COLOUR = '#d62728';

export function barChartSvg(chart: BarChart): string {
  const targets = chart.targets ?? [];
  const values = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== undefined));
  const axis = niceAxis(Math.max(0, ...values, ...targets.map((t) => t.value)));
  const y = (v: number): number => PLOT.bottom - ((PLOT.bottom - PLOT.top) * v) / axis.max;
  const groupWidth = (PLOT.right - PLOT.left) / Math.max(1, chart.categories.length);
  const mostBars = Math.max(
    1,
    ...chart.categories.map((_, c) => chart.series.filter((s) => s.values[c] !== undefined).length),
  );
  const barWidth = Math.min(56, (groupWidth * 0.8) / mostBars);
  const groupLeft = (i: number): number => PLOT.left + i * groupWidth;

  const bars = chart.categories.flatMap((_, c) => {
    const present = chart.series.flatMap((s, index) => {
      const value = s.values[c];
      return value === undefined ? [] : [{ s, index, value }];
    });
    const start = groupLeft(c) + (groupWidth - present.length * barWidth) / 2;
    return present.flatMap(({ s, index, value }, slot) => {
      const x = start + slot * barWidth;
      const top = y(Math.max(0, value));
      return [
        el('rect', {
          class: 'bar',
          'data-series': s.name,
          'data-value': value,
          x: x + 1,
          y: top,
          width: barWidth - 2,
          height: PLOT.bottom - top,
          fill: COLOURS[index % COLOURS.length] as string,
        }),
        ...(barWidth >= 22
          ? [
              el(
                'text',
                { x: x + barWidth / 2, y: top - 4, 'text-anchor': 'middle', 'font-size': 10 },
                formatNumber(value),
              ),
            ]
          : []),
      ];
    });
  });

  const grid = axis.ticks.flatMap((tick) => [
    el('line', { x1: PLOT.left, x2: PLOT.right, y1: y(tick), y2: y(tick), stroke: '#ddd' }),
    el(
      'text',
      { x: PLOT.left - 6, y: y(tick) + 4, 'text-anchor': 'end', 'font-size': 11 },
      formatNumber(tick),
    ),
  ]);

  const categoryLabels = chart.categories.map((label, c) =>
    el(
      'text',
      { x: groupLeft(c) + groupWidth / 2, y: PLOT.bottom + 16, 'text-anchor': 'middle', 'font-size': 11 },
      ...label
        .split('\n')
        .map((line, i) => el('tspan', { x: groupLeft(c) + groupWidth / 2, dy: i === 0 ? 0 : 13 }, line)),
    ),
  );

  const targetLines = targets.map((t) =>
    el('line', {
      class: 'target',
      'data-value': t.value,
      x1: groupLeft(t.from ?? 0) + 2,
      x2: groupLeft((t.to ?? chart.categories.length - 1) + 1) - 2,
      y1: y(t.value),
      y2: y(t.value),
      stroke: TARGET_COLOUR,
      'stroke-width': 2,
      'stroke-dasharray': '6 4',
    }),
  );

  return svgDocument(
    CHART_WIDTH,
    CHART_HEIGHT,
    el(
      'text',
      { x: CHART_WIDTH / 2, y: 26, 'text-anchor': 'middle', 'font-size': 16, 'font-weight': 'bold' },
      chart.title,
    ),
    ...(chart.subtitle
      ? [el('text', { x: CHART_WIDTH / 2, y: 46, 'text-anchor': 'middle', fill: '#555' }, chart.subtitle)]
      : []),
    ...(chart.series.length > 1 || targets.length > 0 ? [legend(chart.series, targets)] : []),
    ...grid,
    el('line', { x1: PLOT.left, x2: PLOT.left, y1: PLOT.top, y2: PLOT.bottom, stroke: '#333' }),
    el('line', { x1: PLOT.left, x2: PLOT.right, y1: PLOT.bottom, y2: PLOT.bottom, stroke: '#333' }),
    ...bars,
    ...targetLines,
    ...categoryLabels,
    el(
      'text',
      {
        x: 18,
        y: (PLOT.top + PLOT.bottom) / 2,
        'text-anchor': 'middle',
        transform: `rotate(-90 18 ${(PLOT.top + PLOT.bottom) / 2})`,
      },
      chart.yLabel,
    ),
    ...(chart.xLabel
      ? [
          el(
            'text',
            { x: (PLOT.left + PLOT.right) / 2, y: CHART_HEIGHT - 12, 'text-anchor': 'middle' },
            chart.xLabel,
          ),
        ]
      : []),
  );
}

/** Series swatches, then target lines, under the subtitle; wraps to a second row when needed. */
function legend(series: readonly BarSeries[], targets: readonly TargetLine[]): SvgElement {
  const entries = [
    ...series.map((s, i) => ({ label: s.name, swatch: swatch(COLOURS[i % COLOURS.length] as string) })),
    ...targets.map((t) => ({ label: t.label, swatch: targetSwatch })),
  ];
  let x = PLOT.left;
  let y = 58;
  const items = entries.map(({ label, swatch: draw }) => {
    const width = 30 + label.length * 6.5;
    if (x + width > PLOT.right && x > PLOT.left) [x, y] = [PLOT.left, y + 16];
    const item = el('g', {}, draw(x, y), el('text', { x: x + 20, y: y + 10, 'font-size': 11 }, label));
    x += width;
    return item;
  });
  return el('g', { class: 'legend' }, ...items);
}

function swatch(colour: string): (x: number, y: number) => SvgElement {
  return (x, y) => el('rect', { x, y, width: 14, height: 12, fill: colour });
}

function targetSwatch(x: number, y: number): SvgElement {
  return el('line', {
    x1: x,
    x2: x + 16,
    y1: y + 6,
    y2: y + 6,
    stroke: TARGET_COLOUR,
    'stroke-width': 2,
    'stroke-dasharray': '5 3',
  });
}

/** An axis from 0 to a round number at or above `max`, with 4–6 ticks on 1/2/2.5/5 × 10^k steps. */
export function niceAxis(max: number): { max: number; ticks: number[] } {
  if (!(max > 0)) return { max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] };
  const headroom = max * 1.08;
  const raw = headroom / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const top = Math.ceil(headroom / step) * step;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) =>
    Number((i * step).toPrecision(12)),
  );
  return { max: top, ticks };
}
