import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { metricsPushSchema } from '@oracle/config';
import { createLogger } from '@oracle/logger';
import {
  makeTempDir,
  spawnService,
  startPushgateway,
  waitFor,
  type RunningPushgateway,
  type RunningService,
  type TempDir,
} from '@oracle/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcessMetrics, type ProcessMetricsApp } from '../src/app.js';
import { parseVmRssKb } from '../src/collect.js';

const run = promisify(execFile);

async function svstatPid(dir: string): Promise<number> {
  return Number((await run('s6-svstat', ['-o', 'pid', dir])).stdout.trim());
}

async function addService(
  scanDir: string,
  name: string,
  script: string,
  files: Record<string, string> = {},
): Promise<void> {
  const dir = join(scanDir, name);
  await mkdir(dir);
  await writeFile(join(dir, 'run'), `#!/bin/sh\n${script}\n`);
  await chmod(join(dir, 'run'), 0o755);
  for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content);
}

/** The value of the one sample of `metric` whose labels include all of `labels`. */
function sampleValue(text: string, metric: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.split(' ').at(-1));
  }
  return undefined;
}

describe('process-metrics against a real s6-svscan and Pushgateway', () => {
  let tmp: TempDir;
  let scanDir: string;
  let svscan: RunningService;
  let gateway: RunningPushgateway;
  let app: ProcessMetricsApp;
  let pids: { idle: number; busy: number };

  beforeAll(async () => {
    tmp = await makeTempDir('process-metrics');
    scanDir = join(tmp.path, 'service');
    await mkdir(scanDir);
    await addService(scanDir, 'idle', 'exec sleep 1000');
    // Raised priority (we run as root) so the loop keeps most of a core on a busy 2-core machine.
    await addService(scanDir, 'busy', 'exec nice -n -10 sh -c "while :; do :; done"', {
      'restart-count': '2\n',
      'last-restart': '1795280000\n',
    });
    // Supervised but not started: restart bookkeeping without a process.
    await addService(scanDir, 'stopped', 'exec sleep 1000', { down: '', 'restart-count': '5\n' });
    svscan = await spawnService('s6-svscan', [scanDir], {
      name: 's6-svscan',
      readyWhen: async () =>
        (await svstatPid(join(scanDir, 'idle'))) > 0 && (await svstatPid(join(scanDir, 'busy'))) > 0,
    });
    pids = { idle: await svstatPid(join(scanDir, 'idle')), busy: await svstatPid(join(scanDir, 'busy')) };

    gateway = await startPushgateway();
    const { basicAuth: _noAuth, ...parsed } = metricsPushSchema.parse({
      enabled: true,
      url: gateway.url,
      instance: 'tee-test',
      environment: 'test',
      // Inherited from the aggregator's push settings: `service` must not relabel the process series.
      groupingLabels: { service: 'price-aggregator', team: 'oracle' },
    });
    const push = { ...parsed, targets: [], jobName: 'process-metrics', intervalMs: 1_000 };
    app = await startProcessMetrics({
      settings: {
        host: '127.0.0.1',
        port: 0,
        intervalMs: 1_000,
        servicesRefreshMs: 60_000,
        maxSampleFailures: 3,
        scanDir,
        push,
      },
      logger: createLogger({ service: 'process-metrics-test', level: 'warn' }),
      clockTicksPerSecond: Number((await run('getconf', ['CLK_TCK'])).stdout.trim()),
      onGiveUp: (error) => {
        throw error;
      },
    });
    // Two periodic samples: the last one measures CPU over a full 1 s period.
    await new Promise((resolve) => setTimeout(resolve, 2_300));
  });

  afterAll(async () => {
    await app?.stop();
    await svscan?.stop();
    await gateway?.stop();
    await tmp?.remove();
  });

  it('reports each running service with the pid s6-svstat gives and its process name', async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(
      sampleValue(text, 'chainlink_process_list', {
        service: 'idle',
        process: 'sleep',
        pid: String(pids.idle),
      }),
    ).toBe(1);
    expect(
      sampleValue(text, 'chainlink_process_list', { service: 'busy', process: 'sh', pid: String(pids.busy) }),
    ).toBe(1);
    expect(sampleValue(text, 'chainlink_process_list', { service: 'stopped' })).toBeUndefined();
  });

  it('measures CPU: the busy loop above 50 % of a core, the sleeper near 0', async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(sampleValue(text, 'chainlink_process_cpu_percent', { service: 'busy' })).toBeGreaterThan(50);
    expect(sampleValue(text, 'chainlink_process_cpu_percent', { service: 'idle' })).toBeLessThan(5);
  });

  it('reports RSS close to what /proc says', async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const fromProc = parseVmRssKb(await readFile(`/proc/${pids.idle}/status`, 'utf8'));
    const reported = sampleValue(text, 'chainlink_process_memory_rss_kb', { service: 'idle' });
    expect(fromProc).toBeGreaterThan(0);
    expect(Math.abs((reported ?? 0) - (fromProc ?? 0))).toBeLessThanOrEqual(
      Math.max(256, (fromProc ?? 0) * 0.2),
    );
  });

  it('reflects the restart-count and last-restart files, a missing file as 0', async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(/^# TYPE chainlink_s6_service_restart_count counter$/m);
    expect(sampleValue(text, 'chainlink_s6_service_restart_count', { service: 'busy' })).toBe(2);
    expect(sampleValue(text, 'chainlink_s6_service_restart_count', { service: 'stopped' })).toBe(5);
    expect(sampleValue(text, 'chainlink_s6_service_restart_count', { service: 'idle' })).toBe(0);
    expect(sampleValue(text, 'chainlink_s6_service_last_restart_ts', { service: 'busy' })).toBe(1795280000);
    expect(sampleValue(text, 'chainlink_s6_service_last_restart_ts', { service: 'idle' })).toBe(0);

    await writeFile(join(scanDir, 'idle', 'restart-count'), '1\n');
    await app.sampleNow();
    const after = await (await fetch(`${app.url}/metrics`)).text();
    expect(sampleValue(after, 'chainlink_s6_service_restart_count', { service: 'idle' })).toBe(1);
  });

  it('follows a restart to the new pid', async () => {
    await run('s6-svc', ['-k', join(scanDir, 'idle')]);
    const newPid = await waitFor(
      async () => {
        const pid = await svstatPid(join(scanDir, 'idle'));
        return pid > 0 && pid !== pids.idle ? pid : undefined;
      },
      { timeoutMs: 5_000, what: 'the idle service to come back' },
    );
    await app.sampleNow();
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(sampleValue(text, 'chainlink_process_list', { service: 'idle', pid: String(newPid) })).toBe(1);
    expect(
      sampleValue(text, 'chainlink_process_list', { service: 'idle', pid: String(pids.idle) }),
    ).toBeUndefined();
  });

  it('is healthy while sampling', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { status: string }).status).toBe('ok');
  });

  it('pushes to the Pushgateway under job process-metrics with instance and environment', async () => {
    const text = await waitFor(
      async () => {
        const body = await (await fetch(`${gateway.url}/metrics`)).text();
        return body.includes('chainlink_process_cpu_percent{') ? body : undefined;
      },
      { timeoutMs: 10_000, what: 'the pushed process metrics' },
    );
    const identity = {
      job: 'process-metrics',
      instance: 'tee-test',
      environment: 'test',
      team: 'oracle',
      ttl: '3600',
    };
    expect(
      sampleValue(text, 'chainlink_process_list', { ...identity, service: 'busy', pid: String(pids.busy) }),
    ).toBe(1);
    expect(sampleValue(text, 'chainlink_s6_service_restart_count', { ...identity, service: 'busy' })).toBe(2);
  });
});
