#!/usr/bin/env node
/**
 * s6-runner up [--overlay rootfs/etc/s6-overlay] [--run-dir .run/local] [--bundle user[,service...]]
 *               [--scan-dir DIR --attach]
 *
 * Brings the tree up, then waits. SIGINT/SIGTERM bring it down in reverse order and exit 0; a
 * finish script's stop request does the same and exits with the code it asked for; a failed start
 * exits 1 (or the stop request's code) after stopping what had started.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalRunner, StopRequestedError } from './runner.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    overlay: { type: 'string', default: 'rootfs/etc/s6-overlay' },
    'run-dir': { type: 'string', default: '.run/local' },
    'scan-dir': { type: 'string' },
    'static-dir': { type: 'string' },
    attach: { type: 'boolean', default: false },
    bundle: { type: 'string', default: 'user' },
  },
});

if (positionals[0] !== 'up' || (values.attach && !values['scan-dir'])) {
  process.stderr.write(
    'usage: s6-runner up [--overlay DIR] [--run-dir DIR] [--static-dir DIR] [--bundle NAME[,NAME...]] [--scan-dir DIR [--attach]]\n',
  );
  process.exit(2);
}

const log = (line: string): void => void process.stderr.write(`[s6-runner] ${line}\n`);
const runner = new LocalRunner({
  overlayRoot: resolve(values.overlay),
  runDir: resolve(values['run-dir']),
  staticDir: values['static-dir'] && resolve(values['static-dir']),
  scanDir: values['scan-dir'] && resolve(values['scan-dir']),
  attach: values.attach,
  bundle: values.bundle.split(','),
  log,
});

let exiting = false;
const stop = async (exitCode: number, why: string): Promise<void> => {
  if (exiting) return;
  exiting = true;
  log(`stopping: ${why}`);
  await runner.down();
  log('all services are down');
  process.exit(exitCode);
};
process.on('SIGINT', () => void stop(0, 'interrupted'));
process.on('SIGTERM', () => void stop(0, 'terminated'));

try {
  await runner.up();
} catch (error) {
  if (!exiting) {
    log((error as Error).message);
    exiting = true;
    process.exit(error instanceof StopRequestedError ? error.request.exitCode : 1);
  }
}
if (!exiting) {
  const request = await runner.waitForStopRequest();
  await stop(request.exitCode, request.reason);
}
