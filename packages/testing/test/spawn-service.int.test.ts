import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnService } from '../src/spawn-service.js';
import { waitFor } from '../src/wait-for.js';

/** Running and not a zombie (an orphan's zombie lingers where PID 1 does not reap). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('spawnService', () => {
  it('waits for the ready line, captures output, and stop() kills the whole process group', async () => {
    // The shell starts a grandchild, then reports ready; stop() must take the grandchild too.
    const service = await spawnService('sh', ['-c', 'sleep 300 & echo "child=$!"; echo ready; wait'], {
      readyWhen: /ready/,
    });
    const childPid = Number(/child=(\d+)/.exec(service.output())?.[1]);
    expect(childPid).toBeGreaterThan(0);
    expect(isAlive(childPid)).toBe(true);
    const exit = await service.stop();
    expect(exit.signal ?? exit.code).toBeTruthy();
    await waitFor(() => !isAlive(childPid), { timeoutMs: 5_000, what: 'the grandchild to die' });
  });

  it('rejects with the output when the process exits before it is ready', async () => {
    await expect(
      spawnService('sh', ['-c', 'echo "bad flag --frobnicate" >&2; exit 3'], {
        readyWhen: /never/,
        name: 'broken',
      }),
    ).rejects.toThrow(/broken exited before it was ready \(exit code 3[\s\S]*bad flag --frobnicate/);
  });

  it('rejects and cleans up when readiness times out', async () => {
    const started = Date.now();
    await expect(
      spawnService('sleep', ['300'], { readyWhen: async () => false, readyTimeoutMs: 300 }),
    ).rejects.toThrow(/was not ready after 300 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('dies with the test process even when that process is SIGKILLed', async () => {
    // A separate Node process (the built package) starts a service, prints its pid, and is killed.
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `const { spawnService } = await import(${JSON.stringify(dist)});
      const s = await spawnService('sleep', ['300']); console.log(s.pid); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    parent.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const servicePid = await waitFor(() => Number(stdout.trim().split('\n')[0]) || undefined, {
      timeoutMs: 10_000,
      what: `the service pid (is packages/testing built?)`,
    });
    expect(isAlive(servicePid)).toBe(true);
    parent.kill('SIGKILL');
    await waitFor(() => !isAlive(servicePid), { timeoutMs: 5_000, what: 'the orphaned service to die' });
  });
});
