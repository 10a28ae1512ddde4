/**
 * Runs one built benchmark script as a child Node process: its output streams through to ours and
 * into a log, and its JSON line (the last stdout line that is one) is kept.
 */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { parseBenchLine, type BenchLine } from './figures.js';

export interface ChildResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly seconds: number;
  readonly line: BenchLine | undefined;
}

export interface RunStreams {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Receives both streams, as they come. */
  readonly log: Writable;
}

export function runBench(
  script: string,
  args: readonly string[],
  cwd: string,
  streams: RunStreams,
): Promise<ChildResult> {
  const started = performance.now();
  const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let line: BenchLine | undefined;
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    streams.stdout.write(chunk);
    streams.log.write(chunk);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const text of lines) line = parseBenchLine(text) ?? line;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    streams.stderr.write(chunk);
    streams.log.write(chunk);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, signal) => {
      line = parseBenchLine(partial) ?? line;
      resolve({ exitCode, signal, seconds: (performance.now() - started) / 1000, line });
    });
  });
}
