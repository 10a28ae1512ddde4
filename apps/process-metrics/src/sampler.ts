import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  cpuPercent,
  parseBootTimeSeconds,
  parseProcStat,
  parseStateFile,
  parseSvstatPid,
  parseVmRssKb,
  processStartMs,
  processTree,
  treeCpuTicks,
  type CpuReading,
  type ProcStat,
} from './collect.js';

const run = promisify(execFile);

export interface ServiceSample {
  readonly service: string;
  /** The supervised process (the service's pid as s6 reports it), absent while the service is down. */
  readonly process?: {
    readonly pid: number;
    readonly name: string;
    /** The process and all its descendants, in percent of one core. */
    readonly cpuPercent: number;
    /** Sum of VmRSS over the process and its descendants (shared pages count once per process). */
    readonly rssKb: number;
  };
  readonly restartCount: number;
  /** Unix seconds of the last crash-restart; 0 when there was none. */
  readonly lastRestartTs: number;
}

export interface SamplerOptions {
  /** s6 scan directory: every sub-directory is a service (e.g. /run/service). */
  readonly scanDir: string;
  /** How often the list of services is read again. */
  readonly servicesRefreshMs: number;
  /** Clock ticks per second (getconf CLK_TCK; 100 on Linux). */
  readonly clockTicksPerSecond: number;
  /** The pid of a service, or undefined while it is down. Default: `s6-svstat -o pid <dir>`. */
  readonly servicePid?: (serviceDir: string) => Promise<number | undefined>;
  readonly procDir?: string;
  readonly now?: () => number;
}

export interface Sampler {
  /** One reading of every service. Rejects only when the scan directory cannot be read. */
  sample(): Promise<ServiceSample[]>;
}

/** Asks s6-supervise for the pid; needs read access to `<dir>/supervise`. */
export async function svstatPid(serviceDir: string): Promise<number | undefined> {
  try {
    const { stdout } = await run('s6-svstat', ['-o', 'pid', serviceDir], { timeout: 5_000 });
    return parseSvstatPid(stdout);
  } catch {
    // Not supervised (yet), or gone.
    return undefined;
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Service names in a scan directory: sub-directories (or links to them), hidden entries skipped. */
async function listServices(scanDir: string): Promise<string[]> {
  const names = (await readdir(scanDir)).filter((name) => !name.startsWith('.')).sort();
  const isDir = await Promise.all(
    names.map((name) =>
      stat(join(scanDir, name)).then(
        (s) => s.isDirectory(),
        () => false,
      ),
    ),
  );
  return names.filter((_, i) => isDir[i]);
}

/** Reads /proc once per sample; s6 and the state files once per service. */
export function createSampler(options: SamplerOptions): Sampler {
  const procDir = options.procDir ?? '/proc';
  const now = options.now ?? Date.now;
  const servicePid = options.servicePid ?? svstatPid;
  const ticksPerSecond = options.clockTicksPerSecond;
  let services: string[] = [];
  let listedAt = Number.NEGATIVE_INFINITY;
  /** Last CPU reading per service, for the process it was taken of. */
  let lastCpu = new Map<string, CpuReading & { readonly pid: number }>();

  async function readProcesses(): Promise<ProcStat[]> {
    const pids = (await readdir(procDir)).filter((name) => /^\d+$/.test(name));
    const stats = await Promise.all(
      pids.map(async (pid) => parseProcStat((await readOptional(join(procDir, pid, 'stat'))) ?? '')),
    );
    return stats.filter((s): s is ProcStat => s !== undefined);
  }

  async function rssKb(tree: readonly ProcStat[]): Promise<number> {
    const values = await Promise.all(
      tree.map(
        async (p) => parseVmRssKb((await readOptional(join(procDir, String(p.pid), 'status'))) ?? '') ?? 0,
      ),
    );
    return values.reduce((a, b) => a + b, 0);
  }

  return {
    async sample() {
      if (now() - listedAt >= options.servicesRefreshMs) {
        services = await listServices(options.scanDir);
        listedAt = now();
      }
      const [processes, procStat, pids] = await Promise.all([
        readProcesses(),
        readOptional(join(procDir, 'stat')),
        Promise.all(services.map((service) => servicePid(join(options.scanDir, service)))),
      ]);
      const bootTimeSeconds = parseBootTimeSeconds(procStat ?? '') ?? 0;
      const at = now();
      const nextCpu = new Map<string, CpuReading & { readonly pid: number }>();

      const samples = await Promise.all(
        services.map(async (service, i): Promise<ServiceSample> => {
          const dir = join(options.scanDir, service);
          const [restartCount, lastRestartTs] = await Promise.all([
            readOptional(join(dir, 'restart-count')).then(parseStateFile),
            readOptional(join(dir, 'last-restart')).then(parseStateFile),
          ]);
          const pid = pids[i];
          const tree = pid === undefined ? [] : processTree(pid, processes);
          const root = tree[0];
          if (pid === undefined || !root) return { service, restartCount, lastRestartTs };

          const reading = { pid, ticks: treeCpuTicks(tree), atMs: at };
          const previous = lastCpu.get(service);
          // A process seen for the first time is measured from its start.
          const baseline =
            previous?.pid === pid
              ? previous
              : { ticks: 0, atMs: processStartMs(root, bootTimeSeconds, ticksPerSecond) };
          nextCpu.set(service, reading);
          return {
            service,
            process: {
              pid,
              name: root.comm,
              cpuPercent: cpuPercent(baseline, reading, ticksPerSecond),
              rssKb: await rssKb(tree),
            },
            restartCount,
            lastRestartTs,
          };
        }),
      );
      lastCpu = nextCpu;
      return samples;
    },
  };
}
