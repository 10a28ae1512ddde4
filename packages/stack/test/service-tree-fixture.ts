/**
 * The real service tree (rootfs/etc/s6-overlay, the stack CLIs, PostgreSQL, the node keys CLI)
 * run by the s6-runner under real s6, with tiny stand-ins for the three long-running apps: each
 * records when it started, became ready and stopped, and crashes at start while a flag file exists.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalRunner, type ServiceState } from '@oracle/s6-runner';
import { freePort, makeTempDir, type TempDir } from '@oracle/testing';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const OVERLAY = join(REPO, 'rootfs/etc/s6-overlay');

export interface StandInEvent {
  readonly service: string;
  readonly event: 'start' | 'ready' | 'stop' | 'crash';
  readonly pid: number;
  readonly at: number;
}

export interface Transition {
  readonly service: string;
  readonly state: ServiceState;
  readonly at: number;
}

const STAND_IN = `
import { appendFileSync, existsSync, writeSync } from 'node:fs';
export function run(service, readyDelayMs) {
  const record = (event) =>
    appendFileSync(process.env.STAND_IN_EVENTS, JSON.stringify({ service, event, pid: process.pid, at: Date.now() }) + '\\n');
  record('start');
  if (existsSync(process.env.STAND_IN_DIR + '/crash-' + service)) {
    record('crash');
    process.exit(3);
  }
  setTimeout(() => {
    record('ready');
    if (process.env.NOTIFY_FD) writeSync(Number(process.env.NOTIFY_FD), '\\n');
  }, readyDelayMs);
  process.on('SIGTERM', () => {
    record('stop');
    process.exit(0);
  });
  setInterval(() => undefined, 60_000);
}
`;

const entry = (service: string, readyDelayMs: string): string =>
  `import { run } from '../../../stand-in.mjs';\nrun(${service}, ${readyDelayMs});\n`;

/**
 * An APP_DIR whose packages are the repository's (built) and whose apps are stand-ins; the node
 * keys CLI and the confidential-admin oneshot (skipped: no helper configured) are the real ones.
 */
async function standInAppDir(root: string): Promise<string> {
  const app = join(root, 'app');
  await mkdir(join(app, 'apps/node-runner/dist'), { recursive: true });
  await mkdir(join(app, 'apps/price-aggregator/dist'), { recursive: true });
  await mkdir(join(app, 'apps/process-metrics/dist'), { recursive: true });
  await symlink(join(REPO, 'packages'), join(app, 'packages'));
  await symlink(join(REPO, 'apps/node-runner/dist/keys'), join(app, 'apps/node-runner/dist/keys'));
  await symlink(join(REPO, 'apps/node-runner/dist/cli'), join(app, 'apps/node-runner/dist/cli'));
  await writeFile(join(app, 'stand-in.mjs'), STAND_IN);
  // The aggregator becomes ready late and node 1 a little later still: any ordering mistake shows.
  await writeFile(join(app, 'apps/price-aggregator/dist/main.js'), entry(`'price-aggregator'`, '1000'));
  await writeFile(join(app, 'apps/process-metrics/dist/main.js'), entry(`'process-metrics'`, '0'));
  await writeFile(
    join(app, 'apps/node-runner/dist/main.js'),
    entry('`node-${process.env.NODE_INDEX}`', `process.env.NODE_INDEX === '1' ? 500 : 0`),
  );
  for (const dir of ['apps/node-runner', 'apps/price-aggregator', 'apps/process-metrics']) {
    await writeFile(join(app, dir, 'package.json'), '{"type":"module"}\n');
  }
  await writeFile(join(app, 'package.json'), '{"type":"module"}\n');
  return app;
}

export interface TreeOptions {
  /** Changes to the test configuration's `solution`. */
  readonly solution?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  readonly bundle?: readonly string[];
}

export interface Tree {
  readonly dir: string;
  readonly runner: LocalRunner;
  readonly configPath: string;
  readonly configuration: { solution: Record<string, unknown> };
  readonly transitions: Transition[];
  readonly log: string[];
  readonly env: NodeJS.ProcessEnv;
  events(): Promise<StandInEvent[]>;
  /** The pid s6 reports for a longrun, or undefined while it is down. */
  pid(service: string): number | undefined;
  crashAtStart(service: string): Promise<void>;
  remove(): Promise<void>;
}

/** A tree in a fresh directory (not started): configuration, secrets dir, PostgreSQL on a free port. */
export async function prepareTree(options: TreeOptions = {}): Promise<Tree> {
  const temp: TempDir = await makeTempDir('service-tree');
  const dir = temp.path;
  await chmod(dir, 0o755); // PostgreSQL runs as the postgres user when we are root
  const app = await standInAppDir(dir);
  const configuration = {
    solution: {
      totalNodes: 5,
      bootstrapNodes: [1],
      maxRestarts: 2,
      restartWindowMs: 60_000,
      spSecretsDir: join(dir, 'secrets'),
      chainlinkChainId: 31337,
      chainlinkRpcHttpUrl: 'http://127.0.0.1:8545',
      postgres: { port: await freePort() },
      nodes: { dataDirBase: join(dir, 'nodes') },
      priceAggregatorConfig: {
        port: await freePort(),
        sources: {
          cryptocompare: { enabled: false },
          finnhub: { enabled: false },
          alphavantage: { enabled: false },
        },
      },
      processMetrics: { port: await freePort() },
      feeds: [{ name: 'BTC / USD', pair: 'BTC/USD', decimals: 8 }],
      ...options.solution,
    },
  };
  const configPath = join(dir, 'configuration.json');
  await writeFile(configPath, `${JSON.stringify(configuration, null, 2)}\n`);
  const eventsFile = join(dir, 'events.jsonl');
  await writeFile(eventsFile, '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    APP_DIR: app,
    CONFIG_PATH: configPath,
    PGDATA: join(dir, 'postgresql/data'),
    PG_SOCKET_DIR: join(dir, 'postgresql/socket'),
    STACK_ENV_FILE: join(dir, 'stack.env'),
    STAND_IN_EVENTS: eventsFile,
    STAND_IN_DIR: dir,
    ...options.env,
  };
  const transitions: Transition[] = [];
  const log: string[] = [];
  const runner = new LocalRunner({
    overlayRoot: OVERLAY,
    runDir: join(dir, 'run'),
    bundle: options.bundle ?? ['user'],
    env,
    readyTimeoutMs: 30_000,
    stopTimeoutMs: 10_000,
    log: (line) => {
      log.push(line);
      appendFileSync(join(dir, 'runner.log'), `${line}\n`);
    },
    onTransition: (service, state) => transitions.push({ service, state, at: Date.now() }),
  });
  return {
    dir,
    runner,
    configPath,
    configuration,
    transitions,
    log,
    env,
    async events() {
      const text = await readFile(eventsFile, 'utf8');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as StandInEvent);
    },
    pid(service) {
      const out = execFileSync('s6-svstat', ['-o', 'pid', runner.serviceDir(service)], {
        encoding: 'utf8',
      }).trim();
      const pid = Number(out);
      return pid > 0 ? pid : undefined;
    },
    async crashAtStart(service) {
      await writeFile(join(dir, `crash-${service}`), '');
    },
    async remove() {
      await runner.down();
      await temp.remove();
    },
  };
}

/** Processes whose command line or working directory lies inside `dir` (what a clean shutdown must leave: none). */
export function processesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    if (Number(pid) === process.pid) continue;
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (command.includes(dir) || cwd.startsWith(dir)) found.push(`${pid} ${command}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
