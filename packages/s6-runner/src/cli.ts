#!/usr/bin/env node
/**
 * s6-runner up --overlay rootfs/etc/s6-overlay --run-dir .run/local [--bundle user[,service...]]
 *
 * Brings the tree up, then waits: Ctrl-C (SIGINT/SIGTERM) or a finish script's stop request brings
 * it down in reverse order and exits (with the finish script's exit code in the latter case).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalRunner } from './runner.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    overlay: { type: 'string', default: 'rootfs/etc/s6-overlay' },
    'run-dir': { type: 'string', default: '.run/local' },
    bundle: { type: 'string', default: 'user' },
  },
});

if (positionals[0] !== 'up') {
  process.stderr.write('usage: s6-runner up [--overlay DIR] [--run-dir DIR] [--bundle NAME]\n');
  process.exit(2);
}

const runner = new LocalRunner({
  overlayRoot: resolve(values.overlay),
  runDir: resolve(values['run-dir']),
  bundle: values.bundle.split(','),
});

let stopping = false;
const stop = async (exitCode: number, why: string): Promise<never> => {
  if (!stopping) {
    stopping = true;
    process.stderr.write(`[s6-runner] stopping: ${why}\n`);
    await runner.down();
  }
  process.exit(exitCode);
};
process.on('SIGINT', () => void stop(0, 'interrupted'));
process.on('SIGTERM', () => void stop(0, 'terminated'));

try {
  await runner.up();
} catch (error) {
  process.stderr.write(`[s6-runner] ${(error as Error).message}\n`);
  process.exit(1);
}
const request = await runner.waitForStopRequest();
await stop(request.exitCode, request.reason);
