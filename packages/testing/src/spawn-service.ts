import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

export interface SpawnServiceOptions {
  /** Added to (and overriding) the test process's environment. */
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /** Run as this user (via runuser) when the test runs as root; ignored otherwise. */
  readonly user?: string;
  /** Ready when the output matches, or when the function resolves true. Without it: ready once spawned. */
  readonly readyWhen?: RegExp | (() => Promise<boolean>);
  readonly readyTimeoutMs?: number;
  /** Signal sent to the process group by stop(); SIGKILL follows after stopTimeoutMs. */
  readonly stopSignal?: NodeJS.Signals;
  readonly stopTimeoutMs?: number;
  /** Names the service in error messages; the command by default. */
  readonly name?: string;
}

export interface ServiceExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunningService {
  readonly name: string;
  readonly pid: number;
  /** stdout and stderr interleaved, the last 256 KiB. */
  output(): string;
  /** Settles when the process has exited. */
  readonly exited: Promise<ServiceExit>;
  /** Signals the whole process group, waits for the exit, then SIGKILLs whatever is left. Idempotent. */
  stop(): Promise<ServiceExit>;
}

const OUTPUT_LIMIT = 256 * 1024;

/** Process groups still running, killed when the test process exits however it exits normally. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  });
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
}

/** `setpriv --pdeathsig KILL` makes the kernel kill the child when its parent dies, even by SIGKILL. */
function commandLine(cmd: string, args: readonly string[], user: string | undefined): string[] {
  const dieWithParent = ['setpriv', '--pdeathsig', 'KILL', '--'];
  if (user && process.getuid?.() === 0) {
    // Changing user clears the parent-death signal, so it is set again after runuser.
    return [...dieWithParent, 'runuser', '-u', user, '--', ...dieWithParent, cmd, ...args];
  }
  return [...dieWithParent, cmd, ...args];
}

/**
 * Starts a long-running process for a test. It leads its own process group (so stop() reaches
 * every child it spawns), dies with the test process (parent-death signal, plus a kill on exit),
 * and its output is kept for failure messages. Resolves once `readyWhen` holds; rejects with the
 * output if the process exits first or readiness times out.
 */
export async function spawnService(
  cmd: string,
  args: readonly string[],
  options: SpawnServiceOptions = {},
): Promise<RunningService> {
  const name = options.name ?? cmd;
  const [file, ...argv] = commandLine(cmd, args, options.user);
  const child = spawn(file as string, argv, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stop() can signal the whole tree. The parent-death signal and the
    // exit hook below keep it from outliving the test process.
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) {
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`${name}: could not start ${cmd}: ${error.message}`);
  }
  installExitHook();
  liveGroups.add(pid);

  let output = '';
  const append = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);

  let hasExited = false;
  const exited = new Promise<ServiceExit>((resolve) => {
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve({ code, signal });
    });
  });
  // Once the leader is gone, whatever it left in its group goes too.
  void exited.then(() => {
    killGroup(pid, 'SIGKILL');
    liveGroups.delete(pid);
  });

  let stopping: Promise<ServiceExit> | undefined;
  const stop = (): Promise<ServiceExit> => {
    stopping ??= (async () => {
      if (!hasExited) killGroup(pid, options.stopSignal ?? 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), options.stopTimeoutMs ?? 10_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    })();
    return stopping;
  };

  const service: RunningService = { name, pid, output: () => output, exited, stop };
  const describeFailure = (why: string): Error =>
    new Error(`${name} ${why}\n--- output of ${[cmd, ...args].join(' ')} ---\n${output.slice(-8_000)}`);

  const readyWhen = options.readyWhen;
  if (!readyWhen) return service;
  const isReady = async (): Promise<boolean> => {
    if (readyWhen instanceof RegExp) return readyWhen.test(output);
    try {
      return await readyWhen();
    } catch {
      return false;
    }
  };
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  while (!(await isReady())) {
    if (hasExited) {
      const exit = await exited;
      throw describeFailure(`exited before it was ready (exit code ${exit.code}, signal ${exit.signal})`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw describeFailure(`was not ready after ${timeoutMs} ms`);
    }
    await delay(50);
  }
  return service;
}
