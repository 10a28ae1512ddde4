/**
 * Pure parsing and arithmetic for the process-metrics exporter: /proc text and s6 files in,
 * numbers out. The sampler does the reading.
 */

export interface ProcStat {
  readonly pid: number;
  /** Executable name as the kernel keeps it (at most 15 characters; may contain spaces and parentheses). */
  readonly comm: string;
  readonly state: string;
  readonly ppid: number;
  /** CPU time in clock ticks: own user and system time, and that of children already waited for. */
  readonly utime: number;
  readonly stime: number;
  readonly cutime: number;
  readonly cstime: number;
  /** Clock ticks after boot at which the process started. */
  readonly starttime: number;
}

/** Parses /proc/<pid>/stat. The name sits between the first "(" and the last ")", so it may contain anything. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 of proc(5) (state), so field n sits at index n - 3.
  const field = (n: number): number => Number(fields[n - 3]);
  const stat: ProcStat = {
    pid,
    comm: text.slice(open + 1, close),
    state: fields[0] ?? '',
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    starttime: field(22),
  };
  const numbers = [stat.pid, stat.ppid, stat.utime, stat.stime, stat.cutime, stat.cstime, stat.starttime];
  return numbers.every(Number.isSafeInteger) && stat.state !== '' ? stat : undefined;
}

/** Resident set size in kB from /proc/<pid>/status; undefined for kernel threads and zombies, which have none. */
export function parseVmRssKb(statusText: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(statusText);
  return match ? Number(match[1]) : undefined;
}

/** Boot time (unix seconds) from the `btime` line of /proc/stat. */
export function parseBootTimeSeconds(procStatText: string): number | undefined {
  const match = /^btime\s+(\d+)$/m.exec(procStatText);
  return match ? Number(match[1]) : undefined;
}

/** `s6-svstat -o pid` prints the pid of the running service, or -1 when it is down. */
export function parseSvstatPid(output: string): number | undefined {
  const text = output.trim();
  if (!/^\d+$/.test(text)) return undefined;
  const pid = Number(text);
  return pid > 0 ? pid : undefined;
}

/**
 * A non-negative integer from a one-line state file (`restart-count`, `last-restart`, written by
 * our s6 finish script). A missing or unreadable file, or anything else in it, counts as 0.
 */
export function parseStateFile(text: string | undefined): number {
  const trimmed = text?.trim() ?? '';
  return /^\d+$/.test(trimmed) ? Number(trimmed) : 0;
}

/** `root` and every process below it, found through parent pids; empty when `root` is not running. */
export function processTree(root: number, processes: readonly ProcStat[]): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  let rootStat: ProcStat | undefined;
  for (const p of processes) {
    if (p.pid === root) rootStat = p;
    const siblings = children.get(p.ppid);
    if (siblings) siblings.push(p);
    else children.set(p.ppid, [p]);
  }
  if (!rootStat) return [];
  const tree: ProcStat[] = [];
  const queue = [rootStat];
  const seen = new Set<number>();
  for (let p = queue.shift(); p; p = queue.shift()) {
    if (seen.has(p.pid)) continue;
    seen.add(p.pid);
    tree.push(p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  return tree;
}

/**
 * CPU ticks used by a process tree. Children already waited for are in their parent's cutime and
 * cstime, so the sum carries on smoothly when short-lived children come and go.
 */
export function treeCpuTicks(tree: readonly ProcStat[]): number {
  return tree.reduce((sum, p) => sum + p.utime + p.stime + p.cutime + p.cstime, 0);
}

export interface CpuReading {
  readonly ticks: number;
  readonly atMs: number;
}

/** CPU use between two readings in percent of one core (a tree busy on two cores reads 200). */
export function cpuPercent(previous: CpuReading, current: CpuReading, clockTicksPerSecond: number): number {
  const wallSeconds = (current.atMs - previous.atMs) / 1000;
  if (wallSeconds <= 0) return 0;
  const cpuSeconds = (current.ticks - previous.ticks) / clockTicksPerSecond;
  return Math.max(0, (cpuSeconds / wallSeconds) * 100);
}

/** When a process started, in unix ms: the baseline (zero ticks) for its first CPU reading. */
export function processStartMs(stat: ProcStat, bootTimeSeconds: number, clockTicksPerSecond: number): number {
  return bootTimeSeconds * 1000 + (stat.starttime / clockTicksPerSecond) * 1000;
}
