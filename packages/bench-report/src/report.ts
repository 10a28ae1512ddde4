/**
 * The Markdown report and the terminal headline of one `npm run bench`: pure functions of what was
 * run and measured. Every section is always present, in the same order, so reports diff cleanly.
 */
import type { BenchOptions } from './benches.js';
import {
  combineRuns,
  figuresOf,
  isRecord,
  verdict,
  type BenchLine,
  type CombinedFigure,
  type Verdict,
} from './figures.js';
import { formatNumber, withUnit } from './format.js';
import type { Machine } from './machine.js';

export interface BenchRun {
  readonly bench: string;
  /** 1-based. */
  readonly run: number;
  /** Script and its flags, as run with `node`. */
  readonly command: readonly string[];
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly seconds: number;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  /** The bench's JSON line; undefined when it printed none. */
  readonly line: BenchLine | undefined;
}

export interface ReportInput {
  /** ISO 8601, UTC. */
  readonly startedAt: string;
  readonly machine: Machine;
  /** The report command's own arguments, e.g. `['--quick']`. */
  readonly argv: readonly string[];
  readonly options: BenchOptions & { readonly runs: number };
  readonly nodeOptions: string | undefined;
  readonly benches: readonly { readonly id: string; readonly title: string }[];
  readonly runs: readonly BenchRun[];
  /** Plot files in the report directory, with a PNG rendering when there is one. */
  readonly plots: readonly { readonly file: string; readonly title: string; readonly png?: string }[];
}

export interface BenchSummary {
  readonly id: string;
  readonly title: string;
  readonly runs: readonly BenchRun[];
  readonly crashed: readonly BenchRun[];
  /** Medians over the runs that produced a JSON line. */
  readonly figures: readonly CombinedFigure[];
}

/** A run crashed when it exited non-zero, was killed, or printed no JSON line. */
export function crashed(run: BenchRun): boolean {
  return run.exitCode !== 0 || run.line === undefined;
}

export function summarize(input: ReportInput): BenchSummary[] {
  return input.benches.map(({ id, title }) => {
    const runs = input.runs.filter((r) => r.bench === id);
    const lines = runs.flatMap((r) => (r.line ? [r.line] : []));
    return { id, title, runs, crashed: runs.filter(crashed), figures: combineRuns(lines.map(figuresOf)) };
  });
}

export function renderReport(input: ReportInput): string {
  const summaries = summarize(input);
  const targets = summaries.flatMap((s) =>
    s.figures.filter((f) => f.max !== undefined).map((f) => ({ s, f })),
  );
  const met = targets.filter(({ f }) => verdict(f) === 'met').length;
  const crashedRuns = summaries.flatMap((s) => s.crashed);
  const runsText = `${input.options.runs} run${input.options.runs === 1 ? '' : 's'} per benchmark`;
  return [
    '# Benchmark report',
    '',
    `Started ${input.startedAt}; ${runsText}; command \`npm run bench${input.argv.length ? ` -- ${input.argv.join(' ')}` : ''}\`. ` +
      'Figures are medians over the runs. Raw JSON lines: [results.json](results.json); bench output: `*.log`.',
    '',
    `**${summaries.length} benchmark${summaries.length === 1 ? '' : 's'}, ` +
      `${crashedRuns.length === 0 ? 'none crashed' : `${crashedRuns.length} run(s) crashed`}; ` +
      `${met} of ${targets.length} targets met.**`,
    '',
    '## Targets',
    '',
    table(
      ['benchmark', 'figure', 'median', 'target', 'verdict'],
      targets.map(({ s, f }) => [
        s.id,
        f.label,
        withUnit(f.value, f.unit),
        `≤ ${withUnit(f.max, f.unit)}`,
        verdictText(verdict(f)),
      ]),
    ),
    '',
    '## Machine',
    '',
    table(
      ['machine', ''],
      [
        ['CPU', input.machine.cpuModel],
        ['cores', String(input.machine.cores)],
        ['memory', `${input.machine.memoryGiB} GiB`],
        ['OS', input.machine.os],
        ['kernel', input.machine.kernel],
        ['Node', input.machine.node],
      ],
    ),
    '',
    'Load average (1, 5, 15 min) before and after each run is in the run tables below; the machine may be shared.',
    '',
    '## Configuration',
    '',
    table(['setting', ''], configurationRows(input, summaries)),
    '',
    ...summaries.flatMap((s) => benchSection(s, input.options.runs)),
    '## Plots',
    '',
    ...input.plots.flatMap((p) => [
      `### ${p.title}`,
      '',
      `![${p.title}](${p.file})`,
      '',
      p.png ? `[PNG](${p.png}) · [SVG](${p.file})` : `[SVG](${p.file}) (no PNG: Chromium was not available)`,
      '',
    ]),
  ].join('\n');
}

function configurationRows(input: ReportInput, summaries: readonly BenchSummary[]): string[][] {
  const lines = summaries.flatMap((s) => s.runs.flatMap((r) => (r.line ? [r.line] : [])));
  /** Every distinct rendering of a JSON line field over the runs, as code, or `-`. */
  const distinct = (render: (line: BenchLine) => string | undefined): string => {
    const found = [...new Set(lines.map(render).filter((text) => text !== undefined))];
    return found.length ? found.map(code).join(', ') : '-';
  };
  return [
    ['benchmarks', summaries.map((s) => s.id).join(', ')],
    ['runs per benchmark', String(input.options.runs)],
    ['quick', input.options.quick ? 'yes (shorter windows: a smoke run, not figures to quote)' : 'no'],
    ['NODE_OPTIONS', input.nodeOptions ? code(input.nodeOptions) : '(none)'],
    ...summaries.map((s) => [
      `${s.id} command`,
      code(`node ${(s.runs[0]?.command ?? ['(not run)']).join(' ')}`),
    ]),
    [
      'oracle node flags (OCR bench)',
      distinct((l) => (Array.isArray(l.nodeFlags) ? l.nodeFlags.map(String).join(' ') : undefined)),
    ],
    [
      'oracle node environment (OCR bench)',
      distinct((l) =>
        isRecord(l.nodeEnvironment)
          ? Object.entries(l.nodeEnvironment)
              .map(([name, value]) => `${name}=${String(value)}`)
              .join(' ')
          : undefined,
      ),
    ],
  ];
}

function benchSection(s: BenchSummary, runs: number): string[] {
  const runRows = s.runs.map((r) => [
    String(r.run),
    r.signal ? `killed (${r.signal})` : String(r.exitCode),
    r.line ? 'yes' : 'no',
    `${formatNumber(Math.round(r.seconds * 10) / 10)} s`,
    r.loadBefore.map((l) => l.toFixed(2)).join(' '),
    r.loadAfter.map((l) => l.toFixed(2)).join(' '),
  ]);
  const figureRows = s.figures.map((f) => [
    f.label,
    withUnit(f.value, f.unit),
    ...(runs > 1 ? [f.values.map(formatNumber).join(' / ')] : []),
    f.max === undefined ? '' : `≤ ${withUnit(f.max, f.unit)}`,
    verdictText(verdict(f)),
  ]);
  return [
    `## ${s.title} (\`${s.id}\`)`,
    '',
    table(['run', 'exit code', 'JSON line', 'duration', 'load before', 'load after'], runRows),
    '',
    s.crashed.length > 0
      ? `**Crashed: run ${s.crashed.map((r) => r.run).join(', ')}** (see \`${s.id}-<run>.log\`).`
      : 'Every run completed.',
    '',
    figureRows.length === 0
      ? 'No figures: no run printed its JSON line.'
      : table(
          ['figure', runs > 1 ? 'median' : 'value', ...(runs > 1 ? ['runs'] : []), 'target', 'verdict'],
          figureRows,
        ),
    '',
  ];
}

/** The figures with a target and any crash, for the end of the terminal output. */
export function headline(input: ReportInput, reportPath: string): string {
  const summaries = summarize(input);
  const rows = summaries.flatMap((s) =>
    s.figures
      .filter((f) => f.max !== undefined)
      .map((f) => [
        s.id,
        f.label,
        withUnit(f.value, f.unit),
        `<= ${withUnit(f.max, f.unit)}`,
        verdict(f) ?? '',
      ]),
  );
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length), 0));
  const crashes = summaries.flatMap((s) =>
    s.crashed.map(
      (r) =>
        `CRASHED: ${s.id} run ${r.run} (${r.signal ? `signal ${r.signal}` : `exit code ${r.exitCode}`}${r.line ? '' : ', no JSON line'})`,
    ),
  );
  return [
    '',
    `Benchmark headline (${input.options.runs === 1 ? 'one run' : `medians of ${input.options.runs} runs`}${input.options.quick ? ', --quick' : ''}):`,
    ...rows.map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    ),
    ...crashes,
    `Report: ${reportPath}`,
    '',
  ].join('\n');
}

function verdictText(v: Verdict | undefined): string {
  if (v === 'missed') return '**missed**';
  return v ?? '';
}

function code(text: string): string {
  return `\`${text}\``;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}
