import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runBench } from './run-bench.js';

const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('runBench', () => {
  it('streams the output through and keeps the last JSON line, split across writes or not', async () => {
    const path = script(
      'ok.mjs',
      `console.log('table'); console.log(JSON.stringify({ bench: 'x', v: 1 }));
       console.log(process.argv.slice(2).join(' '));
       console.error('progress {"bench":"not this"}');
       process.stdout.write('{"bench":"x",'); setTimeout(() => process.stdout.write('"v":2}'), 50);`,
    );
    const [out, err, log] = [collect(), collect(), collect()];
    const result = await runBench(path, ['--quick', '--feeds', '1'], dir, {
      stdout: out.stream,
      stderr: err.stream,
      log: log.stream,
    });
    expect(result).toMatchObject({ exitCode: 0, signal: null, line: { bench: 'x', v: 2 } });
    expect(out.text()).toContain('table\n');
    expect(out.text()).toContain('--quick --feeds 1');
    expect(err.text()).toContain('progress');
    expect(log.text()).toContain('table');
    expect(log.text()).toContain('progress');
    expect(result.seconds).toBeGreaterThan(0.04);
  });

  it('reports the exit code of a crashed bench, and no line when it printed none', async () => {
    const path = script('crash.mjs', `console.log('starting'); throw new Error('boom');`);
    const [out, err, log] = [collect(), collect(), collect()];
    const result = await runBench(path, [], dir, { stdout: out.stream, stderr: err.stream, log: log.stream });
    expect(result.exitCode).toBe(1);
    expect(result.line).toBeUndefined();
    expect(err.text()).toContain('boom');
  });
});
