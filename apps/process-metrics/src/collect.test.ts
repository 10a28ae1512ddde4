import { describe, expect, it } from 'vitest';
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
  type ProcStat,
} from './collect.js';

// Captured on Debian 12 (kernel 6.x); the second has its name changed to one with spaces and parentheses.
const CAT_STAT =
  '23503 (cat) R 23501 23501 3894 0 -1 4194304 99 0 0 0 0 0 0 0 20 0 1 0 271454 3133440 407 18446744073709551615 94848455819264 94848455839145 140726966156272 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 94848455855152 94848455856768 94848633929728 140726966164193 140726966164213 140726966164213 140726966165483 0\n';
const ODD_NAME_STAT =
  '1 (my (odd) name) S 0 0 0 0 -1 4194560 89267 904645 0 685 74 132 3018 657 20 0 11 0 1205 1324433408 12000 18446744073709551615 1 1 0 0 0 0 0 4096 17663 0 0 0 17 1 0 0 0 0 0\n';
const STATUS = `Name:\tnode
Umask:\t0022
State:\tS (sleeping)
Tgid:\t4242
Pid:\t4242
PPid:\t4200
VmPeak:\t 1234567 kB
VmSize:\t 1200000 kB
VmHWM:\t   98000 kB
VmRSS:\t   91236 kB
RssAnon:\t   60000 kB
Threads:\t11
`;
const KERNEL_THREAD_STATUS = 'Name:\tkthreadd\nState:\tS (sleeping)\nPid:\t2\nPPid:\t0\nThreads:\t1\n';
const PROC_STAT =
  'cpu  56930 0 6793 477843 444 0 438 48 0 0\ncpu0 28000 0 3400 238000 200 0 200 20 0 0\nintr 123\nbtime 1795287651\nprocesses 23600\n';

describe('parseProcStat', () => {
  it('reads pid, name, state, parent, CPU ticks and start time', () => {
    expect(parseProcStat(CAT_STAT)).toEqual({
      pid: 23503,
      comm: 'cat',
      state: 'R',
      ppid: 23501,
      utime: 0,
      stime: 0,
      cutime: 0,
      cstime: 0,
      starttime: 271454,
    });
  });

  it('keeps a name with spaces and parentheses whole', () => {
    expect(parseProcStat(ODD_NAME_STAT)).toMatchObject({
      pid: 1,
      comm: 'my (odd) name',
      ppid: 0,
      utime: 74,
      stime: 132,
      cutime: 3018,
      cstime: 657,
      starttime: 1205,
    });
  });

  it('rejects truncated or foreign text', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('12 (x) S 1 2')).toBeUndefined();
    expect(parseProcStat('not a stat line')).toBeUndefined();
  });
});

describe('status, /proc/stat and s6 files', () => {
  it('reads VmRSS in kB, none for a kernel thread', () => {
    expect(parseVmRssKb(STATUS)).toBe(91236);
    expect(parseVmRssKb(KERNEL_THREAD_STATUS)).toBeUndefined();
  });

  it('reads the boot time', () => {
    expect(parseBootTimeSeconds(PROC_STAT)).toBe(1795287651);
    expect(parseBootTimeSeconds('cpu 1 2 3\n')).toBeUndefined();
  });

  it('reads the s6-svstat pid; -1 (down) and garbage are no pid', () => {
    expect(parseSvstatPid('22234\n')).toBe(22234);
    expect(parseSvstatPid('-1\n')).toBeUndefined();
    expect(parseSvstatPid('')).toBeUndefined();
    expect(parseSvstatPid('s6-svstat: fatal: unable to read status')).toBeUndefined();
  });

  it('reads restart-count and last-restart; missing or junk is 0', () => {
    expect(parseStateFile('3\n')).toBe(3);
    expect(parseStateFile('1795287651')).toBe(1795287651);
    expect(parseStateFile(undefined)).toBe(0);
    expect(parseStateFile('')).toBe(0);
    expect(parseStateFile('-2')).toBe(0);
    expect(parseStateFile('3 crashes')).toBe(0);
  });
});

const proc = (pid: number, ppid: number, ticks: Partial<ProcStat> = {}): ProcStat => ({
  pid,
  ppid,
  comm: `p${pid}`,
  state: 'S',
  utime: 0,
  stime: 0,
  cutime: 0,
  cstime: 0,
  starttime: 0,
  ...ticks,
});

describe('process trees and CPU', () => {
  const all = [
    proc(1, 0),
    proc(10, 1, { utime: 100, stime: 20, cutime: 5, cstime: 1 }),
    proc(11, 10, { utime: 7 }),
    proc(12, 11, { stime: 3 }),
    proc(20, 1, { utime: 999 }),
  ];

  it('collects a process and all its descendants, nothing else', () => {
    expect(processTree(10, all).map((p) => p.pid)).toEqual([10, 11, 12]);
    expect(processTree(99, all)).toEqual([]);
  });

  it('sums own and waited-for children ticks over the tree', () => {
    expect(treeCpuTicks(processTree(10, all))).toBe(100 + 20 + 5 + 1 + 7 + 3);
  });

  it('turns a tick delta over wall time into percent of a core', () => {
    expect(cpuPercent({ ticks: 1000, atMs: 0 }, { ticks: 1450, atMs: 5000 }, 100)).toBe(90);
    expect(cpuPercent({ ticks: 0, atMs: 0 }, { ticks: 1000, atMs: 5000 }, 100)).toBe(200);
    expect(cpuPercent({ ticks: 500, atMs: 0 }, { ticks: 400, atMs: 5000 }, 100)).toBe(0);
    expect(cpuPercent({ ticks: 0, atMs: 5000 }, { ticks: 10, atMs: 5000 }, 100)).toBe(0);
  });

  it('dates a process start from boot time and its start ticks', () => {
    expect(processStartMs(proc(1, 0, { starttime: 271454 }), 1795287651, 100)).toBe(1795287651_000 + 2714540);
  });
});
