import { readFileSync } from 'node:fs';
import { parseBenchLine, type BenchLine } from '../src/figures.js';

/** The JSON line of `src/fixtures/<name>.jsonl`, shaped as the bench prints it. */
export function fixture(name: string): BenchLine {
  const line = parseBenchLine(
    readFileSync(new URL(`../src/fixtures/${name}.jsonl`, import.meta.url), 'utf8'),
  );
  if (!line) throw new Error(`fixture ${name} has no JSON line`);
  return line;
}
