/** The runner's own rules under real s6, on tiny trees written by each test. */
import { spawn } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@oracle/testing';
import { LocalRunner, type ServiceState } from '../src/index.js';

interface ServiceSpec {
  readonly type: 'oneshot' | 'longrun' | 'bundle';
  readonly deps?: readonly string[];
  readonly contents?: readonly string[];
  /** Shell body of `run` (longrun) or of the script `up` calls (oneshot). */
  readonly script?: string;
  readonly notificationFd?: number;
  readonly timeoutUp?: number;
}

async function writeTree(root: string, services: Record<string, ServiceSpec>): Promise<string> {
  const overlay = join(root, 'overlay');
  for (const [name, spec] of Object.entries(services)) {
    const dir = join(overlay, 's6-rc.d', name);
    await mkdir(join(dir, 'dependencies.d'), { recursive: true });
    await writeFile(join(dir, 'type'), `${spec.type}\n`);
    for (const dep of spec.deps ?? []) await writeFile(join(dir, 'dependencies.d', dep), '');
    if (spec.contents) {
      await mkdir(join(dir, 'contents.d'));
      for (const member of spec.contents) await writeFile(join(dir, 'contents.d', member), '');
    }
    if (spec.notificationFd !== undefined)
      await writeFile(join(dir, 'notification-fd'), `${spec.notificationFd}\n`);
    if (spec.timeoutUp !== undefined) await writeFile(join(dir, 'timeout-up'), `${spec.timeoutUp}\n`);
    if (spec.type === 'longrun') {
      await writeFile(join(dir, 'run'), `#!/bin/sh\n${spec.script ?? 'exec sleep 60'}\n`);
      await chmod(join(dir, 'run'), 0o755);
    }
    if (spec.type === 'oneshot') {
      const script = join(overlay, 'scripts', name);
      await mkdir(join(overlay, 'scripts'), { recursive: true });
      await writeFile(script, `#!/bin/sh\n${spec.script ?? 'exit 0'}\n`);
      await chmod(script, 0o755);
      await writeFile(join(dir, 'up'), `/etc/s6-overlay/scripts/${name}\n`);
    }
  }
  return overlay;
}

const READY = `printf '\\n' >&3; exec sleep 60`;

describe('LocalRunner', () => {
  let temp: TempDir;
  let runner: LocalRunner | undefined;
  afterEach(async () => {
    await runner?.down();
    await temp.remove();
  });

  const makeRunner = async (services: Record<string, ServiceSpec>, scanDir?: (root: string) => string) => {
    temp = await makeTempDir('s6-runner');
    const transitions: Array<{ service: string; state: ServiceState }> = [];
    runner = new LocalRunner({
      overlayRoot: await writeTree(temp.path, services),
      runDir: join(temp.path, 'run'),
      bundle: 'user',
      readyTimeoutMs: 5_000,
      attach: Boolean(scanDir),
      scanDir: scanDir?.(temp.path),
      log: () => undefined,
      onTransition: (service, state) => transitions.push({ service, state }),
    });
    return { runner, transitions };
  };

  it('stops at the first failing oneshot: its dependents never start, what started stops in reverse order', async () => {
    const { runner, transitions } = await makeRunner({
      user: { type: 'bundle', contents: ['db', 'migrate', 'app', 'sidecar'] },
      db: { type: 'longrun', script: READY, notificationFd: 3 },
      sidecar: { type: 'longrun', deps: ['db'], script: READY, notificationFd: 3 },
      migrate: { type: 'oneshot', deps: ['db'], script: 'sleep 0.3; echo "migration 7 failed" >&2; exit 4' },
      app: { type: 'longrun', deps: ['migrate'] },
    });
    await expect(runner.up()).rejects.toThrow('oneshot migrate failed (exit code 4)');
    expect(transitions.filter((t) => t.service === 'app')).toEqual([]);
    const order = transitions.map((t) => `${t.service}:${t.state}`);
    expect(order).toContain('migrate:failed');
    expect(order.indexOf('sidecar:down')).toBeLessThan(order.indexOf('db:stopping'));
    expect(order.at(-1)).toBe('db:down');
  });

  it('names a longrun that does not become ready within its timeout-up', async () => {
    const { runner } = await makeRunner({
      user: { type: 'bundle', contents: ['slow'] },
      slow: { type: 'longrun', notificationFd: 3, timeoutUp: 300, script: 'exec sleep 60' },
    });
    await expect(runner.up()).rejects.toThrow('longrun slow was not ready within 300 ms');
  });

  it('attaches to an s6-svscan that is already running and leaves it running', async () => {
    let scanDir = '';
    const { runner, transitions } = await makeRunner(
      {
        user: { type: 'bundle', contents: ['one'] },
        one: { type: 'longrun', script: READY, notificationFd: 3 },
      },
      (root) => (scanDir = join(root, 'scan')),
    );
    await mkdir(scanDir);
    const svscan = spawn('s6-svscan', [scanDir], { stdio: 'ignore' });
    try {
      await runner.up();
      expect(transitions.map((t) => `${t.service}:${t.state}`)).toEqual(['one:starting', 'one:up']);
      await runner.down();
      expect(transitions.at(-1)).toEqual({ service: 'one', state: 'down' });
      expect(svscan.exitCode).toBeNull();
    } finally {
      await new Promise((resolve) => {
        svscan.once('exit', resolve);
        spawn('s6-svscanctl', ['-t', scanDir]);
      });
    }
  });
});
