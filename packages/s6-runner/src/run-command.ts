import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface RunOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) and rejected after this long. */
  readonly timeoutMs?: number;
  /** Killed (SIGTERM) and rejected when aborted. */
  readonly signal?: AbortSignal;
  /** stdout: the caller's (`inherit`, for scripts whose output is the service's log) or dropped. */
  readonly stdout?: 'inherit' | 'ignore';
}

/** Runs a program to completion; resolves with its exit code (128 + n when killed by signal n). */
export function runCommand(command: string, args: readonly string[], options: RunOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new Error(`${command} not started: aborted`));
    const child = spawn(command, args, {
      env: options.env,
      stdio: ['ignore', options.stdout ?? 'ignore', 'inherit'],
    });
    const onAbort = (): void => {
      child.kill('SIGTERM');
      reject(new Error(`${command} aborted`));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs} ms`));
          }, options.timeoutMs);
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
