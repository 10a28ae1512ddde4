import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetricsServer } from './server.js';
import { createProcessMetrics } from './metrics.js';
import { createSampler } from './sampler.js';

const BOOT = 1_800_000_000;

/** A stat line with the fields the sampler reads (ticks at 100 Hz). */
const statLine = (pid: number, comm: string, ppid: number, utime: number, starttime: number): string =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194304 0 0 0 0 ${utime} 0 0 0 20 0 1 0 ${starttime} 0 0\n`;

describe('createSampler (on a fake /proc and scan dir)', () => {
  let root: string;
  let procDir: string;
  let scanDir: string;
  let clock: number;
  const pids = new Map<string, number>();

  async function proc(
    pid: number,
    comm: string,
    ppid: number,
    utime: number,
    rssKb: number,
    starttime = 0,
  ): Promise<void> {
    await mkdir(join(procDir, String(pid)), { recursive: true });
    await writeFile(join(procDir, String(pid), 'stat'), statLine(pid, comm, ppid, utime, starttime));
    await writeFile(join(procDir, String(pid), 'status'), `Name:\t${comm}\nVmRSS:\t ${rssKb} kB\n`);
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'sampler-test-'));
    procDir = join(root, 'proc');
    scanDir = join(root, 'service');
    await mkdir(procDir);
    await writeFile(join(procDir, 'stat'), `cpu 1 2 3\nbtime ${BOOT}\n`);
    for (const name of ['db', 'web', '.hidden']) await mkdir(join(scanDir, name), { recursive: true });
    await writeFile(join(scanDir, 'db', 'restart-count'), '4\n');
    await writeFile(join(scanDir, 'not-a-service'), '');
    clock = BOOT * 1000 + 100_000;
    pids.clear();
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const sampler = () =>
    createSampler({
      scanDir,
      servicesRefreshMs: 60_000,
      clockTicksPerSecond: 100,
      procDir,
      now: () => clock,
      servicePid: async (dir) => pids.get(dir.split('/').at(-1) ?? ''),
    });

  it('sums CPU and RSS over a service and its children, from its start on the first sample', async () => {
    // db started 50 s after boot and used 10 s of CPU by itself and 5 s in a child: 15 s over 50 s.
    await proc(100, 'postgres', 1, 1_000, 20_000, 5_000);
    await proc(101, 'postgres', 100, 500, 5_000, 6_000);
    await proc(200, 'node', 1, 0, 40_000);
    pids.set('db', 100);
    const samples = await sampler().sample();
    expect(samples.map((s) => s.service)).toEqual(['db', 'web']);
    expect(samples[0]).toEqual({
      service: 'db',
      process: { pid: 100, name: 'postgres', cpuPercent: 30, rssKb: 25_000 },
      restartCount: 4,
      lastRestartTs: 0,
    });
    expect(samples[1]).toEqual({ service: 'web', restartCount: 0, lastRestartTs: 0 });
  });

  it('measures later samples over the time between them, and starts over for a new pid', async () => {
    await proc(100, 'postgres', 1, 1_000, 20_000, 5_000);
    pids.set('db', 100);
    const s = sampler();
    await s.sample();
    clock += 5_000;
    await proc(100, 'postgres', 1, 1_250, 20_000, 5_000);
    expect((await s.sample())[0]?.process?.cpuPercent).toBe(50);

    // Restarted: a new pid that started 2 s ago and has used 1 s.
    await proc(300, 'postgres', 1, 100, 20_000, (clock - BOOT * 1000 - 2_000) / 10);
    pids.set('db', 300);
    clock += 1;
    expect((await s.sample())[0]?.process).toMatchObject({ pid: 300, cpuPercent: expect.closeTo(50, 0) });
  });

  it('fails only when the scan directory cannot be read', async () => {
    await rm(scanDir, { recursive: true });
    await expect(sampler().sample()).rejects.toThrow(/ENOENT/);
  });

  it('feeds metrics that drop series of services that went away, served on /metrics', async () => {
    await proc(200, 'node', 1, 0, 40_000);
    pids.set('web', 200);
    const metrics = createProcessMetrics();
    const s = sampler();
    metrics.update(await s.sample());
    expect(await metrics.registry.metrics()).toMatch(
      /^chainlink_process_list\{service="web",process="node",pid="200"\} 1$/m,
    );
    pids.delete('web');
    metrics.update(await s.sample());
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/^chainlink_process_list\{/m);
    expect(text).toMatch(/^chainlink_s6_service_restart_count\{service="db"\} 4$/m);

    const server = createMetricsServer(metrics.registry, {
      lastSampleAt: () => undefined,
      staleAfterMs: 1_000,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      expect(await (await fetch(`${base}/metrics`)).text()).toBe(text);
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
