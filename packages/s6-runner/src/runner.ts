/**
 * Runs an s6-overlay service tree without s6-overlay: the same `s6-rc.d` definitions, the same
 * stage-2 hook that generates the oracle node services, the same run/finish scripts. Debian's
 * `s6-svscan` supervises the longruns (restarts, readiness, down signals, finish scripts); this
 * runner does what s6-rc does in the image: bring the atomic services up as soon as their
 * dependencies are up (oneshots' `up` run to completion, longruns started and awaited until ready),
 * and down in reverse dependency order.
 *
 * Two ways to supervise: the runner starts its own `s6-svscan` on `<runDir>/service` (a developer's
 * machine, tests), or it `attach`es to an `s6-svscan` already watching `scanDir` (the image built
 * with Debian's s6, where s6-svscan is PID 1).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { access, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { directDependencies, startOrder } from './graph.js';
import { runCommand } from './run-command.js';
import { readSourceDir, type ServiceDefinition } from './source-format.js';

export type ServiceState = 'starting' | 'up' | 'failed' | 'stopping' | 'down';

export interface RunnerOptions {
  /** The tree as shipped: `<overlayRoot>/scripts/stage2-hook`, and by default `<overlayRoot>/s6-rc.d`. */
  readonly overlayRoot: string;
  /** Writable state: the prepared source directory, the stop-request file, and (own s6-svscan) the scan directory. */
  readonly runDir: string;
  /** The shipped definitions the stage-2 hook starts from; default `<overlayRoot>/s6-rc.d`. */
  readonly staticDir?: string;
  /** The scan directory; default `<runDir>/service`. */
  readonly scanDir?: string;
  /**
   * An s6-svscan already watches `scanDir` (it is PID 1); otherwise the runner starts one and stops
   * it at the end. Services inherit s6-svscan's environment, so when attaching, give it
   * S6_RUNNER_STOP_FILE=<runDir>/stop-request for finish scripts' stop requests to reach the runner.
   */
  readonly attach?: boolean;
  /** Bundle(s) or services to bring up, with everything they depend on (the image brings up `user`). */
  readonly bundle?: string | readonly string[];
  /** Environment of every script (the image passes its container environment, S6_KEEP_ENV=1). */
  readonly env?: NodeJS.ProcessEnv;
  /** Readiness timeout of services without `timeout-up`. */
  readonly readyTimeoutMs?: number;
  /** How long a longrun may take to stop before it is killed. */
  readonly stopTimeoutMs?: number;
  readonly log?: (line: string) => void;
  /** Called on every state change of a service, e.g. for tests and status displays. */
  readonly onTransition?: (service: string, state: ServiceState) => void;
}

/** What a finish script asks for when a service failed too often: stop everything, exit with this code. */
export interface StopRequest {
  readonly exitCode: number;
  readonly reason: string;
}

/** `up()` gave up because a finish script asked the whole tree to stop while it was starting. */
export class StopRequestedError extends Error {
  constructor(readonly request: StopRequest) {
    super(`stop requested while starting: ${request.reason}`);
    this.name = 'StopRequestedError';
  }
}

const POLL_MS = 100;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** Where the image's `/etc/s6-overlay` prefix points to in `up`/`down` command lines. */
const IMAGE_OVERLAY_ROOT = '/etc/s6-overlay';

export class LocalRunner {
  readonly sourceDir: string;
  readonly scanDir: string;
  readonly stopFile: string;
  private readonly staticDir: string;
  private readonly roots: readonly string[];
  private readonly env: NodeJS.ProcessEnv;
  private readonly log: (line: string) => void;
  private services = new Map<string, ServiceDefinition>();
  private readonly started = new Set<string>();
  private svscan: ChildProcess | undefined;
  private readonly startAbort = new AbortController();
  private starting: Promise<unknown> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  private watching = false;
  private stopRequestPromise: Promise<StopRequest> | undefined;

  constructor(private readonly options: RunnerOptions) {
    this.sourceDir = join(options.runDir, 's6-rc.d');
    this.scanDir = options.scanDir ?? join(options.runDir, 'service');
    this.stopFile = join(options.runDir, 'stop-request');
    this.staticDir = options.staticDir ?? join(options.overlayRoot, 's6-rc.d');
    this.roots = typeof options.bundle === 'string' ? [options.bundle] : (options.bundle ?? ['user']);
    this.log = options.log ?? ((line) => process.stderr.write(`[s6-runner] ${line}\n`));
    this.env = {
      ...(options.env ?? process.env),
      OVERLAY_ROOT: options.overlayRoot,
      S6_RC_STATIC_DIR: this.staticDir,
      S6_RC_SOURCE_DIR: this.sourceDir,
      SCAN_DIR: this.scanDir,
      S6_RUNNER_STOP_FILE: this.stopFile,
    };
  }

  /** The atomic services in a valid start order (after `up` has read the tree). */
  get order(): string[] {
    return startOrder(this.services, this.roots);
  }

  /** The supervised directory of a longrun. */
  serviceDir(name: string): string {
    return join(this.scanDir, name);
  }

  /**
   * Prepares the tree (stage-2 hook), supervises its longruns and brings everything up. On any
   * failure, or a stop request from a finish script, it brings down what started and throws.
   */
  async up(): Promise<void> {
    await mkdir(this.options.runDir, { recursive: true });
    await rm(this.stopFile, { force: true });
    await this.prepareSourceDir();
    this.services = await readSourceDir(this.sourceDir);
    const order = this.order;
    this.log(`start order: ${order.join(', ')}`);

    if (!this.options.attach) await rm(this.scanDir, { recursive: true, force: true });
    await mkdir(this.scanDir, { recursive: true });
    for (const name of order) {
      const def = this.def(name);
      if (def.type !== 'longrun') continue;
      const target = this.serviceDir(name);
      await rm(target, { recursive: true, force: true });
      await cp(def.dir, target, { recursive: true });
      await writeFile(join(target, 'down'), ''); // supervised, not started: the runner starts it in order
    }
    await this.startSupervision();
    const stopRequest = this.waitForStopRequest();

    const start = this.startAll(order, this.startAbort.signal);
    this.starting = start.catch(() => undefined);
    const outcome = await Promise.race([
      start.then(() => ({ started: true as const })),
      stopRequest.then((request) => ({ started: false as const, request })),
    ]).catch((error: unknown) => ({ started: false as const, error }));

    if (outcome.started) {
      this.log('all services are up');
      return;
    }
    await this.down();
    if ('request' in outcome) throw new StopRequestedError(outcome.request);
    throw outcome.error;
  }

  /**
   * Stops what was started in reverse dependency order (a service stops once everything that
   * depends on it has stopped; longruns: down and wait, killed after stopTimeoutMs; oneshots:
   * their `down`), then the runner's own s6-svscan. Safe to call more than once.
   */
  down(): Promise<void> {
    this.stopping ??= (async () => {
      this.startAbort.abort();
      await this.starting;
      await this.stopAll();
      this.watching = false;
      await this.stopSupervision();
    })();
    return this.stopping;
  }

  /** Resolves when a finish script asks for the whole tree to stop (a service failed too often). */
  waitForStopRequest(): Promise<StopRequest> {
    this.stopRequestPromise ??= (async () => {
      this.watching = true;
      while (this.watching) {
        const text = await readFile(this.stopFile, 'utf8').catch(() => undefined);
        if (text !== undefined) {
          const [code = '', ...reason] = text.trim().split(' ');
          return { exitCode: Number(code) || 1, reason: reason.join(' ') };
        }
        await sleep(POLL_MS);
      }
      return new Promise<never>(() => undefined); // stopped on purpose: never a request
    })();
    return this.stopRequestPromise;
  }

  private def(name: string): ServiceDefinition {
    const def = this.services.get(name);
    if (!def) throw new Error(`unknown service ${name}`);
    return def;
  }

  private transition(name: string, state: ServiceState): void {
    this.options.onTransition?.(name, state);
  }

  /** The stage-2 hook writes the source directory (and generates the node services); without one, the static tree is used as is. */
  private async prepareSourceDir(): Promise<void> {
    const hook = join(this.options.overlayRoot, 'scripts', 'stage2-hook');
    if (await exists(hook)) {
      this.log('running the stage-2 hook');
      const code = await runCommand(hook, [], { env: this.env, timeoutMs: 60_000, stdout: 'inherit' });
      if (code !== 0) throw new Error(`the stage-2 hook failed (exit code ${code}); nothing was started`);
      return;
    }
    await rm(this.sourceDir, { recursive: true, force: true });
    await cp(this.staticDir, this.sourceDir, { recursive: true });
  }

  private async startSupervision(): Promise<void> {
    if (this.options.attach) {
      // s6-svscanctl exits 100 until an s6-svscan watches the directory; -a makes it scan now.
      for (let waited = 0; waited < 10_000; waited += POLL_MS) {
        if ((await runCommand('s6-svscanctl', ['-a', this.scanDir], { env: this.env })) === 0) return;
        await sleep(POLL_MS);
      }
      throw new Error(`no s6-svscan watches ${this.scanDir}`);
    }
    // Its own process group, so a terminal's Ctrl-C reaches only the runner, which stops services in
    // order; SIGTERM when the runner dies, so nothing outlives it.
    const svscan = spawn('setpriv', ['--pdeathsig', 'TERM', '--', 's6-svscan', this.scanDir], {
      env: this.env,
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    this.svscan = svscan;
    svscan.on('exit', (code, signal) => {
      if (this.svscan === svscan && !this.stopping)
        this.log(`s6-svscan exited unexpectedly (${code ?? signal})`);
      this.svscan = undefined;
    });
  }

  private async stopSupervision(): Promise<void> {
    const svscan = this.svscan;
    if (!svscan) return;
    const exited = new Promise((resolve) => svscan.once('exit', resolve));
    await runCommand('s6-svscanctl', ['-t', this.scanDir], { env: this.env }).catch(() => 1);
    await Promise.race([exited, sleep(10_000)]);
    if (this.svscan) svscan.kill('SIGKILL');
  }

  /** Starts every service once its dependencies are up, in parallel like s6-rc; the first failure rejects. */
  private async startAll(order: readonly string[], signal: AbortSignal): Promise<void> {
    const launched = new Map<string, Promise<void>>();
    const launch = (name: string): Promise<void> => {
      let promise = launched.get(name);
      if (!promise) {
        const dependencies = directDependencies(this.services, name).map(launch);
        promise = Promise.all(dependencies).then(() => this.startOne(this.def(name), signal));
        launched.set(name, promise);
      }
      return promise;
    };
    try {
      await Promise.all(order.map(launch));
    } finally {
      await Promise.allSettled(launched.values());
    }
  }

  private async startOne(def: ServiceDefinition, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new Error(`${def.name} not started: the start was cancelled`);
    const began = Date.now();
    const timeoutMs = def.timeoutUpMs || (this.options.readyTimeoutMs ?? 120_000);
    this.transition(def.name, 'starting');
    try {
      if (def.type === 'oneshot') await this.runOneshot(def, def.up ?? '', timeoutMs);
      else await this.startLongrun(def, timeoutMs, signal);
    } catch (error) {
      this.transition(def.name, 'failed');
      throw error;
    }
    this.transition(def.name, 'up');
    this.log(`${def.name} ${def.type === 'oneshot' ? 'done' : 'ready'} in ${Date.now() - began} ms`);
  }

  /** Oneshots run to completion even when the start is cancelled, as s6-rc lets them. */
  private async runOneshot(def: ServiceDefinition, line: string, timeoutMs: number): Promise<void> {
    const [command, ...args] = this.commandLine(line);
    if (!command) throw new Error(`oneshot ${def.name} has an empty command line`);
    const code = await runCommand(command, args, { env: this.env, timeoutMs, stdout: 'inherit' });
    if (code !== 0) throw new Error(`oneshot ${def.name} failed (exit code ${code})`);
    this.started.add(def.name);
  }

  private async startLongrun(def: ServiceDefinition, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const dir = this.serviceDir(def.name);
    for (let waited = 0; (await runCommand('s6-svok', [dir], { env: this.env })) !== 0; waited += POLL_MS) {
      if (waited > 5_000) throw new Error(`s6-supervise did not start for ${def.name}`);
      await sleep(POLL_MS);
    }
    this.started.add(def.name);
    await this.svc(['-u'], dir);
    const flag = def.notificationFd === undefined ? '-u' : '-U';
    const code = await runCommand('s6-svwait', [flag, '-t', String(timeoutMs), dir], {
      env: this.env,
      signal,
    });
    if (code !== 0) {
      throw new Error(`longrun ${def.name} was not ${flag === '-U' ? 'ready' : 'up'} within ${timeoutMs} ms`);
    }
  }

  private svc(args: readonly string[], dir: string): Promise<number> {
    return runCommand('s6-svc', [...args, dir], { env: this.env });
  }

  private async stopAll(): Promise<void> {
    const started = [...this.started];
    const stopped = new Map<string, Promise<void>>();
    const stop = (name: string): Promise<void> => {
      let promise = stopped.get(name);
      if (!promise) {
        const dependents = started.filter((other) => directDependencies(this.services, other).includes(name));
        promise = Promise.all(dependents.map(stop)).then(() => this.stopOne(this.def(name)));
        stopped.set(name, promise);
      }
      return promise;
    };
    await Promise.all(started.map(stop));
    this.started.clear();
  }

  private async stopOne(def: ServiceDefinition): Promise<void> {
    this.transition(def.name, 'stopping');
    try {
      if (def.type === 'longrun') await this.stopLongrun(def);
      else if (def.down) await this.runOneshot(def, def.down, 30_000);
      this.log(`${def.name} stopped`);
    } catch (error) {
      this.log(`stopping ${def.name} failed: ${(error as Error).message}`);
    }
    this.transition(def.name, 'down');
  }

  private async stopLongrun(def: ServiceDefinition): Promise<void> {
    const dir = this.serviceDir(def.name);
    if ((await this.svc(['-d'], dir)) !== 0) return; // not supervised any more
    const timeoutMs = this.options.stopTimeoutMs ?? 20_000;
    const wait = (ms: number): Promise<number> =>
      runCommand('s6-svwait', ['-D', '-t', String(ms), dir], { env: this.env });
    if ((await wait(timeoutMs)) === 0) return;
    this.log(`${def.name} did not stop within ${timeoutMs} ms; killing it`);
    await this.svc(['-k'], dir);
    await wait(5_000);
  }

  /** The image's `up` line names scripts under /etc/s6-overlay; here they live under overlayRoot. */
  private commandLine(line: string): string[] {
    const root = this.options.overlayRoot;
    return line
      .split(/\s+/)
      .filter(Boolean)
      .map((token) =>
        token.startsWith(`${IMAGE_OVERLAY_ROOT}/`) ? root + token.slice(IMAGE_OVERLAY_ROOT.length) : token,
      );
  }
}
