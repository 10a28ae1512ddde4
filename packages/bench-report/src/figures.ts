/**
 * Figures out of the benches' JSON lines: one flat list per bench, each figure with its unit and,
 * where the bench states one, its target (every target here is an upper bound).
 */

/** A bench's final JSON line, as printed: `{"bench": "<id>", ...}`. */
export type BenchLine = { readonly bench: string } & Readonly<Record<string, unknown>>;

export interface Figure {
  /** Stable across runs, e.g. `batch100.p99Ms`; runs are combined by key. */
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly value: number | undefined;
  /** Target: the value must not exceed it. */
  readonly max?: number;
}

export type Verdict = 'met' | 'missed' | 'not measured';

/** The JSON line of a bench: a line that parses to an object with a string `bench` field. */
export function parseBenchLine(line: string): BenchLine | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) && typeof value.bench === 'string' ? (value as BenchLine) : undefined;
  } catch {
    return undefined;
  }
}

/** The figure's verdict against its target, undefined when it has none. */
export function verdict(figure: Pick<Figure, 'value' | 'max'>): Verdict | undefined {
  if (figure.max === undefined) return undefined;
  if (figure.value === undefined) return 'not measured';
  return figure.value <= figure.max ? 'met' : 'missed';
}

/** Every figure of one bench run, in a fixed order. */
export function figuresOf(line: BenchLine): Figure[] {
  switch (line.bench) {
    case 'price-aggregator':
      return aggregatorFigures(line);
    case 'ocr':
      return ocrFigures(line);
    default:
      return genericFigures(line);
  }
}

/** A figure of several runs: the median, and each run's value in run order. */
export interface CombinedFigure extends Figure {
  readonly values: readonly (number | undefined)[];
}

/** Combines the figures of repeated runs by key (in first-seen order) into their medians. */
export function combineRuns(runs: readonly (readonly Figure[])[]): CombinedFigure[] {
  const keys = [...new Set(runs.flatMap((figures) => figures.map((f) => f.key)))];
  return keys.map((key) => {
    const found = runs.map((figures) => figures.find((f) => f.key === key));
    const first = found.find((f) => f !== undefined) as Figure;
    const values = found.map((f) => f?.value);
    return { ...first, values, value: median(values.filter((v) => v !== undefined)) };
  });
}

/** The median (mean of the middle two for an even count), undefined for no values. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The number at a dotted path of a JSON value, undefined when absent or not a finite number. */
export function numberAt(value: unknown, path: string): number | undefined {
  const found = path.split('.').reduce<unknown>((v, key) => (isRecord(v) ? v[key] : undefined), value);
  return typeof found === 'number' && Number.isFinite(found) ? found : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The aggregator endpoints the bench loads, by their key in its JSON line (batches: at `batchRatePerSecond`). */
export const AGGREGATOR_ENDPOINTS = [
  { key: 'quote', label: 'GET /quote (cache hit), 16 callers' },
  { key: 'batch10', label: 'GET /quotes/batch, 10 pairs' },
  { key: 'batch100', label: 'GET /quotes/batch, 100 pairs' },
] as const;

/** The batch rate of lines that do not give theirs (the bench's rate before `batchRatePerSecond`). */
const DEFAULT_BATCH_RATE = 500;

function aggregatorFigures(line: BenchLine): Figure[] {
  const seconds = numberAt(line, 'upstream.seconds');
  const window = seconds === undefined ? '' : `, ${seconds} s`;
  const figure = (key: string, label: string, unit: string, target?: string): Figure => {
    const max = target === undefined ? undefined : numberAt(line, `targets.${target}`);
    return { key, label, unit, value: numberAt(line, key), ...(max === undefined ? {} : { max }) };
  };
  const batchRate = numberAt(line, 'batchRatePerSecond') ?? DEFAULT_BATCH_RATE;
  const perRound =
    isRecord(line.upstream) && isRecord(line.upstream.perSourcePerRound)
      ? line.upstream.perSourcePerRound
      : {};
  return [
    ...AGGREGATOR_ENDPOINTS.map(({ key, label }) => ({
      key,
      label: key === 'quote' ? label : `${label}, ${batchRate} req/s`,
    })).flatMap(({ key, label }) => [
      figure(`${key}.requestsPerSecond`, `${label}: throughput`, 'req/s'),
      figure(`${key}.p50Ms`, `${label}: p50`, 'ms'),
      figure(`${key}.p99Ms`, `${label}: p99`, 'ms', key === 'batch100' ? 'batch100P99Ms' : undefined),
      figure(`${key}.errors`, `${label}: errors`, ''),
    ]),
    figure('upstream.pollers1', `upstream requests, 1 poller${window}`, ''),
    figure('upstream.pollers8', `upstream requests, 8 pollers${window}`, ''),
    figure('upstream.ratio', 'upstream requests, ratio 8 / 1 pollers', '', 'upstreamRatio'),
    // Upstream requests per refresh round at each source, against the fewest its batch size allows.
    ...Object.keys(perRound).map((source) => {
      const fewest = numberAt(line, `upstream.fewestPerRound.${source}`);
      return {
        key: `upstream.perSourcePerRound.${source}`,
        label: `upstream requests per refresh round, ${source}`,
        unit: '',
        value: numberAt(line, `upstream.perSourcePerRound.${source}`),
        ...(fewest === undefined ? {} : { max: fewest }),
      };
    }),
    figure('rssMiB', 'aggregator RSS, 100 active pairs', 'MiB', 'rssMiB'),
  ];
}

function ocrFigures(line: BenchLine): Figure[] {
  const targets = isRecord(line.targets) ? line.targets : {};
  const used = new Set<string>();
  const targetMax = (name: string): { max?: number } => {
    const max = numberAt(targets, `${name}.max`);
    if (max === undefined) return {};
    used.add(name);
    return { max };
  };
  const top: Figure[] = [
    { key: 'firstAnswerSeconds', label: '1 feed: first on-chain answer after spawning the nodes', unit: 's' },
    { key: 'roundLatencyP50Seconds', label: '1 feed: round latency p50', unit: 's' },
    { key: 'roundLatencyP95Seconds', label: '1 feed: round latency p95', unit: 's' },
    { key: 'rounds', label: '1 feed: rounds in the window', unit: '' },
    { key: 'reports', label: '1 feed: reports transmitted in the window', unit: '' },
    { key: 'p2pMessagesPerRound', label: '1 feed: P2P messages per round (all nodes)', unit: '' },
    { key: 'transmitGasPerReport', label: '1 feed: transmit gas per report', unit: 'gas' },
  ].map((f) => ({ ...f, value: numberAt(line, f.key), ...targetMax(f.key) }));
  const phases = Array.isArray(line.phases) ? line.phases.filter(isRecord) : [];
  const perPhase = phases.flatMap((phase) => {
    const feeds = numberAt(phase, 'feeds');
    if (feeds === undefined) return [];
    const peak = (field: string): number | undefined => maxOf(phase[field]);
    const name = `${feeds} feed${feeds === 1 ? '' : 's'}`;
    return [
      {
        key: `feeds${feeds}.cpuCoresTotal`,
        label: `${name}: CPU, all 5 nodes`,
        unit: 'cores',
        value: numberAt(phase, 'cpuCoresTotal'),
        ...targetMax(`cpuCoresTotalWith${feeds}Feeds`),
      },
      {
        key: `feeds${feeds}.rssMiBMax`,
        label: `${name}: RSS, highest node`,
        unit: 'MiB',
        value: peak('rssMiBPerNode'),
        ...targetMax(`rssMiBPerNodeWith${feeds}Feeds`),
      },
      {
        key: `feeds${feeds}.pssMiBMax`,
        label: `${name}: PSS, highest node`,
        unit: 'MiB',
        value: peak('pssMiBPerNode'),
        ...targetMax(`pssMiBPerNodeWith${feeds}Feeds`),
      },
      {
        key: `feeds${feeds}.privateMiBMax`,
        label: `${name}: private memory, highest node`,
        unit: 'MiB',
        value: peak('privateMiBPerNode'),
      },
    ];
  });
  // Targets the bench states that no figure above carries (a phase not run, or a new target).
  const rest = Object.keys(targets)
    .filter((name) => !used.has(name))
    .map((name) => ({
      key: `targets.${name}`,
      label: name,
      unit: '',
      value: numberAt(targets, `${name}.measured`),
      ...targetMax(name),
    }));
  return [...top, ...perPhase, ...rest];
}

/** A bench this report does not know yet: every top-level number. */
function genericFigures(line: BenchLine): Figure[] {
  return Object.keys(line)
    .filter((key) => numberAt(line, key) !== undefined)
    .map((key) => ({ key, label: key, unit: '', value: numberAt(line, key) }));
}

function maxOf(value: unknown): number | undefined {
  const numbers = Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : [];
  return numbers.length === 0 ? undefined : Math.max(...numbers);
}
