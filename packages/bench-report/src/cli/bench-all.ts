#!/usr/bin/env node
/**
 * `npm run bench`: every benchmark of the repository, one after the other (never overlapping), then
 * one report in `bench-results/<UTC timestamp>/` (`bench-results/latest` points at the newest).
 *
 *   npm run bench [-- --quick] [--runs 3] [--only ocr,price-aggregator] [--feeds 1,50]
 *                 [--duration 60] [--load-seconds 10] [--out bench-results]
 *
 * Exits 1 when a benchmark crashed (a missed target is a figure, not a failure).
 */
import { createWriteStream, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CHART_HEIGHT, CHART_WIDTH } from '../bar-chart.js';
import { selectBenches, type BenchOptions } from '../benches.js';
import { describeMachine, loadAverage } from '../machine.js';
import { plotsOf } from '../plots.js';
import { crashed, headline, renderReport, type BenchRun, type ReportInput } from '../report.js';
import { runBench } from '../run-bench.js';
import { svgToPng } from '../svg-to-png.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const argv = process.argv.slice(2);
const { values: flags } = parseArgs({
  args: argv,
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string', default: '1' },
    only: { type: 'string' },
    feeds: { type: 'string' },
    duration: { type: 'string' },
    'load-seconds': { type: 'string' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const runs = Number(flags.runs);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a positive integer, got "${flags.runs}"`);
const options: BenchOptions = {
  quick: flags.quick,
  ...(flags.feeds === undefined ? {} : { feeds: flags.feeds }),
  ...(flags.duration === undefined ? {} : { duration: flags.duration }),
  ...(flags['load-seconds'] === undefined ? {} : { loadSeconds: flags['load-seconds'] }),
};
const benches = selectBenches(flags.only);

const startedAt = new Date();
const stamp = startedAt
  .toISOString()
  .replace(/\.\d+Z$/, 'Z')
  .replaceAll(':', '-');
const outRoot = resolve(ROOT, flags.out);
const dir = join(outRoot, stamp);
mkdirSync(dir, { recursive: true });
const machine = describeMachine();

const results: BenchRun[] = [];
for (let run = 1; run <= runs; run++) {
  for (const bench of benches) {
    const command = [bench.script, ...bench.args(options)];
    console.log(`\n=== ${bench.id}, run ${run}/${runs}: node ${command.join(' ')}\n`);
    const log = createWriteStream(join(dir, `${bench.id}-${run}.log`));
    const loadBefore = loadAverage();
    const child = await runBench(bench.script, command.slice(1), ROOT, {
      stdout: process.stdout,
      stderr: process.stderr,
      log,
    });
    log.end();
    await finished(log);
    const result: BenchRun = {
      bench: bench.id,
      run,
      command,
      ...child,
      loadBefore,
      loadAfter: loadAverage(),
    };
    results.push(result);
    if (crashed(result))
      console.error(
        `\n=== ${bench.id}, run ${run}: CRASHED (exit code ${child.exitCode}, signal ${child.signal})`,
      );
  }
}

const rendered: ReportInput['plots'][number][] = [];
for (const plot of plotsOf(results.flatMap((r) => (r.line ? [r.line] : [])))) {
  writeFileSync(join(dir, plot.file), plot.svg);
  const png = plot.file.replace(/\.svg$/, '.png');
  const ok = await svgToPng(join(dir, plot.file), join(dir, png), CHART_WIDTH, CHART_HEIGHT);
  rendered.push({ file: plot.file, title: plot.title, ...(ok ? { png } : {}) });
}

const input: ReportInput = {
  startedAt: startedAt.toISOString(),
  machine,
  argv,
  options: { ...options, runs },
  nodeOptions: process.env.NODE_OPTIONS,
  benches: benches.map(({ id, title }) => ({ id, title })),
  runs: results,
  plots: rendered,
};
writeFileSync(join(dir, 'results.json'), `${JSON.stringify(input, null, 2)}\n`);
const reportPath = join(dir, 'report.md');
writeFileSync(reportPath, renderReport(input));

// `latest` is a relative symlink, swapped in one rename.
const latest = join(outRoot, 'latest');
const next = join(outRoot, `.latest-${process.pid}`);
rmSync(next, { force: true });
symlinkSync(basename(dir), next);
renameSync(next, latest);

const shown = relative(process.cwd(), reportPath);
console.log(headline(input, shown.startsWith('..') ? reportPath : shown));
process.exitCode = results.some(crashed) ? 1 : 0;
