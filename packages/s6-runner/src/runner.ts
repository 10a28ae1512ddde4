/**
 * Runs an s6-overlay service tree outside the image: the same `s6-rc.d` definitions, the same
 * stage-2 hook that generates the oracle node services, the same run/finish scripts. Debian's
 * `s6-svscan` supervises the longruns (restarts, readiness, down signals); this runner does what
 * s6-rc does in the image: bring atomic services up in dependency order (oneshots' `up`, longruns
 * started and awaited until ready) and down in reverse order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startOrder } from './graph.js';
import { readSourceDir, type ServiceDefinition } from './source-format.js';

export interface RunnerOptions {
  /** The tree as shipped: `<overlayRoot>/s6-rc.d`, `<overlayRoot>/scripts`. */
  readonly overlayRoot: string;
  /** Writable state: the compiled source copy, the scan directory, the stop-request file. */
  readonly runDir: string;
  /** Bundle(s) or services to bring up, with everything they depend on (the image brings up `user`). */
  readonly bundle?: string | readonly string[];
  /** Environment for every script (the image passes its container environment, S6_KEEP_ENV=1). */
  readonly env?: NodeJS.ProcessEnv;
  /** Default readiness timeout for services without `timeout-up`. */
  readonly readyTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface StopRequest {
  readonly exitCode: number;
  readonly reason: string;
}

/** Where the image's `/etc/s6-overlay` prefix is rewritten to, in `up`/`down` command lines. */
const IMAGE_OVERLAY_ROOT = '/etc/s6-overlay';

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = timeoutMs
      ? setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`${command} ${args.join(' ')} timed out after ${timeoutMs} ms`));
        }, timeoutMs)
      : undefined;
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

export class LocalRunner {
  readonly sourceDir: string;
  readonly scanDir: string;
  readonly stopFile: string;
  private readonly roots: readonly string[];
  private readonly readyTimeoutMs: number;
  private readonly log: (line: string) => void;
  private readonly env: NodeJS.ProcessEnv;
  private svscan: ChildProcess | undefined;
  private started: ServiceDefinition[] = [];
  private services = new Map<string, ServiceDefinition>();

  constructor(private readonly options: RunnerOptions) {
    this.sourceDir = join(options.runDir, 's6-rc.d');
    this.scanDir = join(options.runDir, 'service');
    this.stopFile = join(options.runDir, 'stop-request');
    this.roots = typeof options.bundle === 'string' ? [options.bundle] : (options.bundle ?? ['user']);
    this.readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
    this.log = options.log ?? ((line) => process.stderr.write(`[s6-runner] ${line}\n`));
    this.env = {
      ...(options.env ?? process.env),
      OVERLAY_ROOT: options.overlayRoot,
      S6_RC_SOURCE_DIR: this.sourceDir,
      SCAN_DIR: this.scanDir,
      LOCAL_RUNNER_STOP_FILE: this.stopFile,
    };
  }

  /** Names of the atomic services in start order (after `up` has read the tree). */
  get order(): string[] {
    return startOrder(this.services, this.roots);
  }

  /** Brings the whole bundle up; on any failure brings down what started and throws. */
  async up(): Promise<void> {
    await rm(this.options.runDir, { recursive: true, force: true });
    await mkdir(this.scanDir, { recursive: true });
    await cp(join(this.options.overlayRoot, 's6-rc.d'), this.sourceDir, { recursive: true });

    const hook = join(this.options.overlayRoot, 'scripts', 'stage2-hook');
    if (existsSync(hook)) {
      this.log('running stage-2 hook');
      const code = await run(hook, [], this.env, 60_000);
      if (code !== 0) throw new Error(`stage-2 hook failed with exit code ${code}`);
    }

    this.services = await readSourceDir(this.sourceDir);
    const order = this.order;
    this.log(`start order: ${order.join(', ')}`);

    for (const name of order) {
      const def = this.services.get(name)!;
      if (def.type === 'longrun') {
        const target = join(this.scanDir, name);
        await cp(def.dir, target, { recursive: true });
        await writeFile(join(target, 'down'), '');
      }
    }
    this.svscan = spawn('s6-svscan', [this.scanDir], { env: this.env, stdio: ['ignore', 'inherit', 'inherit'] });
    this.svscan.on('exit', (code, signal) => {
      if (this.svscan) this.log(`s6-svscan exited (${code ?? signal})`);
      this.svscan = undefined;
    });

    try {
      for (const name of order) await this.start(this.services.get(name)!);
    } catch (error) {
      this.log(`start failed: ${(error as Error).message}`);
      await this.down();
      throw error;
    }
    this.log('all services are up');
  }

  private async start(def: ServiceDefinition): Promise<void> {
    const began = Date.now();
    const timeoutMs = def.timeoutUpMs || this.readyTimeoutMs;
    if (def.type === 'oneshot') {
      const [command, ...args] = this.commandLine(def.up!);
      const code = await run(command!, args, this.env, timeoutMs);
      if (code !== 0) throw new Error(`oneshot ${def.name} failed with exit code ${code}`);
    } else {
      const dir = join(this.scanDir, def.name);
      await this.waitSupervised(dir);
      await run('s6-svc', ['-u', dir], this.env);
      const flag = def.notificationFd === undefined ? '-u' : '-U';
      const code = await run('s6-svwait', [flag, '-t', String(timeoutMs), dir], this.env);
      if (code !== 0) throw new Error(`longrun ${def.name} was not ${flag === '-U' ? 'ready' : 'up'} within ${timeoutMs} ms`);
    }
    this.started.push(def);
    this.log(`${def.name} ${def.type === 'oneshot' ? 'done' : 'ready'} in ${Date.now() - began} ms`);
  }

  private async waitSupervised(dir: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if ((await run('s6-svok', [dir], this.env)) === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`s6-supervise did not start for ${dir}`);
  }

  /** The image's `up` line names scripts under /etc/s6-overlay; here they live under overlayRoot. */
  private commandLine(line: string): string[] {
    return line
      .split(/\s+/)
      .filter(Boolean)
      .map((token) => (token.startsWith(`${IMAGE_OVERLAY_ROOT}/`) ? this.options.overlayRoot + token.slice(IMAGE_OVERLAY_ROOT.length) : token));
  }

  /** Stops started services in reverse order (longruns: down and wait; oneshots: their `down`), then s6-svscan. */
  async down(): Promise<void> {
    for (const def of [...this.started].reverse()) {
      try {
        if (def.type === 'longrun') {
          const dir = join(this.scanDir, def.name);
          await run('s6-svc', ['-d', dir], this.env);
          const code = await run('s6-svwait', ['-D', '-t', '20000', dir], this.env);
          this.log(`${def.name} ${code === 0 ? 'stopped' : 'did not stop in time'}`);
        } else if (def.down) {
          const [command, ...args] = this.commandLine(def.down);
          await run(command!, args, this.env, 30_000);
          this.log(`${def.name} down`);
        }
      } catch (error) {
        this.log(`stopping ${def.name} failed: ${(error as Error).message}`);
      }
    }
    this.started = [];
    const svscan = this.svscan;
    if (svscan) {
      const exited = new Promise((resolve) => svscan.once('exit', resolve));
      await run('s6-svscanctl', ['-t', this.scanDir], this.env).catch(() => 1);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (this.svscan) svscan.kill('SIGKILL');
      this.svscan = undefined;
    }
  }

  /** Resolves when a finish script asks for the whole tree to stop (a service failed too often). */
  async waitForStopRequest(signal?: AbortSignal): Promise<StopRequest> {
    while (!signal?.aborted) {
      try {
        const text = (await readFile(this.stopFile, 'utf8')).trim();
        const [code, ...reason] = text.split(' ');
        return { exitCode: Number(code) || 1, reason: reason.join(' ') };
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    throw new Error('aborted');
  }
}
