import { describe, expect, it } from 'vitest';
import { fixture } from '../test/fixture.js';
import type { BenchLine } from './figures.js';
import { crashed, headline, renderReport, type BenchRun, type ReportInput } from './report.js';

const run = (bench: string, n: number, line: BenchLine | undefined, exitCode = 0): BenchRun => ({
  bench,
  run: n,
  command: [`${bench}.js`, '--quick'],
  exitCode,
  signal: null,
  seconds: 61.25,
  loadBefore: [0.5, 0.6, 0.7],
  loadAfter: [1.5, 1, 0.8],
  line,
});

const input = (runs: BenchRun[], count = 1): ReportInput => ({
  startedAt: '2026-11-21T22:00:00.000Z',
  machine: {
    cpuModel: 'Test CPU @ 2.0GHz',
    cores: 2,
    memoryGiB: 23.5,
    os: 'Debian GNU/Linux 12 (bookworm)',
    kernel: 'Linux 6.1.0 x64',
    node: 'v22.23.3',
  },
  argv: ['--quick'],
  options: { quick: true, runs: count },
  nodeOptions: undefined,
  benches: [
    { id: 'price-aggregator', title: 'Price aggregator' },
    { id: 'ocr', title: 'Oracle network (OCR)' },
  ],
  runs,
  plots: [
    { file: 'round-latency.svg', title: 'OCR round latency distribution', png: 'round-latency.png' },
    { file: 'rss-per-process.svg', title: 'Resident memory per process' },
  ],
});

const headings = (markdown: string): string[] => markdown.split('\n').filter((l) => l.startsWith('#'));

describe('renderReport', () => {
  const complete = input([
    run('price-aggregator', 1, fixture('price-aggregator')),
    run('ocr', 1, fixture('ocr')),
  ]);
  const report = renderReport(complete);

  it('lists every target with its median, bound and verdict', () => {
    expect(report).toContain('**2 benchmarks, none crashed; 6 of 8 targets met.**');
    expect(report).toContain(
      '| price-aggregator | aggregator RSS, 100 active pairs | 162.4 MiB | ≤ 150 MiB | **missed** |',
    );
    expect(report).toContain('| ocr | 300 feeds: CPU, all 5 nodes | 1.3 cores | ≤ 1 cores | **missed** |');
    expect(report).toContain('| ocr | 1 feed: round latency p50 | 0.38 s | ≤ 1 s | met |');
  });

  it('has every figure of every bench, the machine, the configuration and the plots', () => {
    expect(report).toContain('| GET /quotes/batch, 10 pairs, 500 req/s: throughput | 500 req/s |  |  |');
    expect(report).toContain('| 1 feed: transmit gas per report | 98123 gas |  |  |');
    expect(report).toContain('| 50 feeds: private memory, highest node | 41 MiB |  |  |');
    expect(report).toContain('| CPU | Test CPU @ 2.0GHz |');
    expect(report).toContain('| kernel | Linux 6.1.0 x64 |');
    expect(report).toContain('| ocr command | `node ocr.js --quick` |');
    expect(report).toContain('| oracle node flags (OCR bench) | `--max-semi-space-size=2` |');
    expect(report).toContain('| oracle node environment (OCR bench) | `MALLOC_ARENA_MAX=2` |');
    expect(report).toContain('| 1 | 0 | yes | 61.3 s | 0.50 0.60 0.70 | 1.50 1.00 0.80 |');
    expect(report).toContain('![OCR round latency distribution](round-latency.svg)');
    expect(report).toContain('[PNG](round-latency.png)');
  });

  it('shows medians and every run value when repeated', () => {
    const slower = { ...fixture('price-aggregator'), rssMiB: 140 };
    const faster = { ...fixture('price-aggregator'), rssMiB: 120 };
    const repeated = renderReport(
      input(
        [
          run('price-aggregator', 1, fixture('price-aggregator')),
          run('price-aggregator', 2, slower),
          run('price-aggregator', 3, faster),
        ],
        3,
      ),
    );
    expect(repeated).toContain(
      '| aggregator RSS, 100 active pairs | 140 MiB | 162.4 / 140 / 120 | ≤ 150 MiB | met |',
    );
  });

  it('keeps the same sections when a bench crashed, and says which run', () => {
    const broken = input([
      run('price-aggregator', 1, fixture('price-aggregator')),
      run('ocr', 1, undefined, 1),
    ]);
    const text = renderReport(broken);
    expect(headings(text)).toEqual(headings(report));
    expect(text).toContain('**2 benchmarks, 1 run(s) crashed; 2 of 3 targets met.**');
    expect(text).toContain('**Crashed: run 1** (see `ocr-<run>.log`).');
    expect(text).toContain('No figures: no run printed its JSON line.');
  });
});

describe('crashed', () => {
  it('is a non-zero exit, a signal or a missing JSON line', () => {
    expect(crashed(run('ocr', 1, fixture('ocr')))).toBe(false);
    expect(crashed(run('ocr', 1, fixture('ocr'), 1))).toBe(true);
    expect(crashed({ ...run('ocr', 1, fixture('ocr')), exitCode: null, signal: 'SIGKILL' })).toBe(true);
    expect(crashed(run('ocr', 1, undefined))).toBe(true);
  });
});

describe('headline', () => {
  it('prints every target figure with its verdict, and the crashes', () => {
    const text = headline(
      input([run('price-aggregator', 1, fixture('price-aggregator')), run('ocr', 1, undefined, 1)]),
      'bench-results/x/report.md',
    );
    const lines = text.split('\n');
    expect(lines).toContain('Benchmark headline (one run, --quick):');
    expect(lines.find((l) => l.includes('aggregator RSS'))).toMatch(
      /^price-aggregator +aggregator RSS, 100 active pairs +162\.4 MiB +<= 150 MiB +missed$/,
    );
    expect(lines).toContain('CRASHED: ocr run 1 (exit code 1, no JSON line)');
    expect(lines).toContain('Report: bench-results/x/report.md');
  });
});
