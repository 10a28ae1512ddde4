/**
 * The report's plots, built from the benches' JSON lines (repeated runs: medians, histogram counts
 * summed). Always the same three files, so reports compare side by side; a plot without data says so.
 */
import { barChartSvg, type BarChart } from './bar-chart.js';
import { AGGREGATOR_ENDPOINTS, isRecord, median, numberAt, type BenchLine } from './figures.js';
import { formatNumber } from './format.js';

export interface Plot {
  /** File name inside the report directory. */
  readonly file: string;
  readonly title: string;
  readonly svg: string;
}

export function plotsOf(lines: readonly BenchLine[]): Plot[] {
  const ocr = lines.filter((l) => l.bench === 'ocr');
  const aggregator = lines.filter((l) => l.bench === 'price-aggregator');
  return [
    plot('round-latency.svg', roundLatencyChart(ocr)),
    plot('rss-per-process.svg', rssChart(ocr, aggregator)),
    plot('aggregator-latency.svg', aggregatorLatencyChart(aggregator)),
  ];
}

function plot(file: string, chart: BarChart): Plot {
  return { file, title: chart.title, svg: barChartSvg(chart) };
}

export interface LatencyBin {
  /** Upper bound in seconds (`Infinity` for the overflow bucket). */
  readonly le: number;
  readonly count: number;
}

/**
 * Observations per bucket from cumulative Prometheus-style buckets (`le` → count so far), summed
 * over runs, in `le` order, without the empty buckets above the highest observation; a bound that
 * is not a number is left out.
 */
export function latencyBins(cumulative: readonly Readonly<Record<string, unknown>>[]): LatencyBin[] {
  const totals = new Map<number, number>();
  for (const buckets of cumulative) {
    for (const [key, count] of Object.entries(buckets)) {
      const le = Number(key);
      if (typeof count === 'number' && !Number.isNaN(le)) totals.set(le, (totals.get(le) ?? 0) + count);
    }
  }
  const les = [...totals.keys()].sort((a, b) => a - b);
  const bins = les.map((le, i) => ({
    le,
    count: (totals.get(le) ?? 0) - (i === 0 ? 0 : (totals.get(les[i - 1] as number) ?? 0)),
  }));
  const last = bins.findLastIndex((b) => b.count > 0);
  return bins.slice(0, Math.max(1, last + 1));
}

function binLabel(bins: readonly LatencyBin[], i: number): string {
  const bin = bins[i] as LatencyBin;
  const lower = i === 0 ? 0 : (bins[i - 1] as LatencyBin).le;
  if (bin.le === Infinity) return `> ${formatNumber(lower)}`;
  return i === 0 ? `≤ ${formatNumber(bin.le)}` : `${formatNumber(lower)}–${formatNumber(bin.le)}`;
}

function roundLatencyChart(ocr: readonly BenchLine[]): BarChart {
  const bins = latencyBins(ocr.map((l) => l.roundLatencyBuckets).filter(isRecord));
  const p50 = median(defined(ocr.map((l) => numberAt(l, 'roundLatencyP50Seconds'))));
  const p95 = median(defined(ocr.map((l) => numberAt(l, 'roundLatencyP95Seconds'))));
  const target = median(defined(ocr.map((l) => numberAt(l, 'targets.roundLatencyP50Seconds.max'))));
  const total = bins.reduce((sum, b) => sum + b.count, 0);
  return {
    title: 'OCR round latency distribution (1 feed, fast timing)',
    subtitle:
      total === 0
        ? 'no data: no round latency buckets in the OCR bench JSON line'
        : `${total} rounds, each timed by its transmitting oracle; p50 ${formatNumber(p50)} s, p95 ${formatNumber(p95)} s` +
          (target === undefined ? '' : `; target p50 ≤ ${formatNumber(target)} s`),
    xLabel: 'round latency, seconds (observation request to transmission mined)',
    yLabel: 'rounds',
    categories: bins.map((_, i) => binLabel(bins, i)),
    series: [{ name: 'rounds', values: bins.map((b) => b.count) }],
  };
}

function rssChart(ocr: readonly BenchLine[], aggregator: readonly BenchLine[]): BarChart {
  const phases = ocr.flatMap((l) => (Array.isArray(l.phases) ? l.phases.filter(isRecord) : []));
  const feedCounts = [...new Set(defined(phases.map((p) => numberAt(p, 'feeds'))))].sort((a, b) => a - b);
  const nodes = Math.max(
    0,
    ...phases.map((p) => (Array.isArray(p.rssMiBPerNode) ? p.rssMiBPerNode.length : 0)),
  );
  const categories = [
    ...Array.from({ length: nodes }, (_, i) => (i === 0 ? 'node 1\nbootstrap' : `node ${i + 1}\noracle`)),
    'price aggregator\n100 pairs',
  ];
  const aggregatorIndex = categories.length - 1;
  const nodeSeries = feedCounts.map((feeds) => {
    const ofPhase = phases.filter((p) => numberAt(p, 'feeds') === feeds);
    return {
      name: `nodes, ${feeds} feed${feeds === 1 ? '' : 's'}`,
      values: categories.map((_, node) => median(defined(ofPhase.map((p) => nodeRss(p, node))))),
    };
  });
  const aggregatorRss = median(defined(aggregator.map((l) => numberAt(l, 'rssMiB'))));
  const nodeTarget = median(defined(ocr.map((l) => numberAt(l, 'targets.rssMiBPerNodeWith50Feeds.max'))));
  const aggregatorTarget = median(defined(aggregator.map((l) => numberAt(l, 'targets.rssMiB'))));
  return {
    title: 'Resident memory per process (peak)',
    subtitle:
      phases.length + aggregator.length === 0
        ? 'no data: neither bench ran'
        : 'node RSS includes ~50 MiB of the Node binary shared by all nodes',
    yLabel: 'RSS, MiB',
    categories,
    series: [
      ...nodeSeries,
      {
        name: 'aggregator',
        values: categories.map((_, i) => (i === aggregatorIndex ? aggregatorRss : undefined)),
      },
    ],
    targets: [
      ...(nodeTarget === undefined || nodes === 0
        ? []
        : [
            {
              label: `node target, 50 feeds: ${formatNumber(nodeTarget)} MiB`,
              value: nodeTarget,
              from: 0,
              to: nodes - 1,
            },
          ]),
      ...(aggregatorTarget === undefined
        ? []
        : [
            {
              label: `aggregator target: ${formatNumber(aggregatorTarget)} MiB`,
              value: aggregatorTarget,
              from: aggregatorIndex,
              to: aggregatorIndex,
            },
          ]),
    ],
  };
}

function aggregatorLatencyChart(aggregator: readonly BenchLine[]): BarChart {
  const at = (path: string): number | undefined => median(defined(aggregator.map((l) => numberAt(l, path))));
  const target = at('targets.batch100P99Ms');
  const batch100 = AGGREGATOR_ENDPOINTS.findIndex((e) => e.key === 'batch100');
  return {
    title: 'Price aggregator latency per endpoint',
    subtitle:
      aggregator.length === 0
        ? 'no data: the aggregator bench did not run'
        : 'loopback, keep-alive; open loop for the batch endpoints',
    yLabel: 'latency, ms',
    categories: AGGREGATOR_ENDPOINTS.map((e) => e.label.replace(', ', '\n')),
    series: [
      { name: 'p50', values: AGGREGATOR_ENDPOINTS.map((e) => at(`${e.key}.p50Ms`)) },
      { name: 'p99', values: AGGREGATOR_ENDPOINTS.map((e) => at(`${e.key}.p99Ms`)) },
    ],
    targets:
      target === undefined
        ? []
        : [{ label: `p99 target ${formatNumber(target)} ms`, value: target, from: batch100, to: batch100 }],
  };
}

/** A phase's peak RSS of node `index` (0 = node 1). */
function nodeRss(phase: Readonly<Record<string, unknown>>, index: number): number | undefined {
  const value: unknown = Array.isArray(phase.rssMiBPerNode) ? phase.rssMiBPerNode[index] : undefined;
  return typeof value === 'number' ? value : undefined;
}

function defined(values: readonly (number | undefined)[]): number[] {
  return values.filter((v): v is number => v !== undefined);
}
