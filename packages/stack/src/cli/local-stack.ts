#!/usr/bin/env node
/**
 * The main job on a developer's machine: the image's service tree, run on the host.
 *
 *   node packages/stack/dist/cli/local-stack.js [--run-dir .run/local]
 *
 * Starts the market replay (the fake exchange playing recorded-style market data, so it works
 * offline), writes a local configuration.json derived from configuration.example.json, then brings
 * the s6 tree up in dependency order with the local runner (Debian's s6-svscan supervising) and
 * prints a status line every few seconds. Ctrl-C stops everything in reverse order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SOURCE_IDS, SOURCES_REQUIRING_API_KEY } from '@oracle/config';
import { LocalRunner } from '@oracle/s6-runner';
import { localConfiguration } from '../local-configuration.js';

const { values } = parseArgs({
  options: {
    'run-dir': { type: 'string', default: '.run/local' },
    'replay-port': { type: 'string', default: '8999' },
    'postgres-port': { type: 'string', default: '55432' },
    'status-interval-ms': { type: 'string', default: '5000' },
  },
});

const appDir = resolve(process.env.APP_DIR ?? '.');
const runDir = resolve(values['run-dir']);
const replayPort = Number(values['replay-port']);
const log = (msg: string): void => void process.stderr.write(`[local-stack] ${msg}\n`);

async function startReplay(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      join(appDir, 'packages/fake-exchange/dist/cli.js'),
      '--port',
      String(replayPort),
      '--prices',
      join(appDir, 'packages/stack/market-data/prices.json'),
      '--replay',
      join(appDir, 'packages/stack/market-data/replay.jsonl'),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${replayPort}/`);
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`market replay did not start on port ${replayPort}`);
}

async function writeLocalFiles(): Promise<string> {
  const secretsDir = join(runDir, 'secrets');
  await mkdir(join(secretsDir, 'api-keys'), { recursive: true, mode: 0o700 });
  for (const id of [...SOURCES_REQUIRING_API_KEY, ...SOURCE_IDS]) {
    await writeFile(join(secretsDir, 'api-keys', id), 'local-replay-key\n', { mode: 0o600 });
  }
  await mkdir(join(secretsDir, 'faucet'), { recursive: true, mode: 0o700 });
  // anvil's first default account: a well-known development key, funded on the local chain only.
  await writeFile(
    join(secretsDir, 'faucet', 'private-key'),
    '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n',
    { mode: 0o600 },
  );
  await mkdir(join(secretsDir, 'metrics'), { recursive: true, mode: 0o700 });
  await writeFile(join(secretsDir, 'metrics', 'password'), 'unused-locally\n', { mode: 0o600 });
  const example = JSON.parse(await readFile(join(appDir, 'configuration.example.json'), 'utf8')) as Record<string, unknown>;
  const config = localConfiguration(example, {
    sourceUrls: (id) => ({ baseUrl: `http://127.0.0.1:${replayPort}/${id}`, wsUrl: `ws://127.0.0.1:${replayPort}/${id}` }),
    secretsDir,
    dataDir: join(runDir, 'nodes'),
    postgresPort: Number(values['postgres-port']),
    rpcHttpUrl: 'http://127.0.0.1:8545',
  });
  const path = join(runDir, 'configuration.json');
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

async function statusLine(pairs: readonly string[]): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:3000/quotes/batch?pairs=${pairs.map((p) => p.replace('/', '-')).join(',')}`);
    const body = (await res.json()) as { results?: Array<{ pair: string; price?: string; contributors?: unknown[]; error?: unknown }> };
    const parts = (body.results ?? []).map((r) =>
      r.price ? `${r.pair} ${r.price} (${r.contributors?.length ?? 0} sources)` : `${r.pair} unavailable`,
    );
    return parts.join(' | ') || JSON.stringify(body).slice(0, 200);
  } catch (error) {
    return `aggregator not answering: ${(error as Error).message}`;
  }
}

await mkdir(runDir, { recursive: true });
const configPath = await writeLocalFiles();
const replay = await startReplay();
log(`market replay on http://127.0.0.1:${replayPort}`);

const runner = new LocalRunner({
  overlayRoot: join(appDir, 'rootfs/etc/s6-overlay'),
  runDir: join(runDir, 's6'),
  // The oracle nodes join once the node runner lands (issue: the oracle network); until then the
  // tree without them: Postgres with the node databases, the aggregator and process metrics.
  bundle: ['postgres-init', 'price-aggregator', 'process-metrics'],
  env: {
    ...process.env,
    APP_DIR: appDir,
    CONFIG_PATH: configPath,
    PGDATA: join(runDir, 'postgresql/data'),
    PG_SOCKET_DIR: join(runDir, 'postgresql/socket'),
    STACK_ENV_FILE: join(runDir, 'stack.env'),
  },
});

let stopping = false;
const stop = async (code: number, why: string): Promise<never> => {
  if (!stopping) {
    stopping = true;
    log(`stopping (${why})`);
    await runner.down();
    replay.kill('SIGTERM');
  }
  process.exit(code);
};
process.on('SIGINT', () => void stop(0, 'interrupted'));
process.on('SIGTERM', () => void stop(0, 'terminated'));

try {
  await runner.up();
} catch (error) {
  log((error as Error).message);
  replay.kill('SIGTERM');
  process.exit(1);
}
const config = JSON.parse(await readFile(configPath, 'utf8')) as { solution: { priceAggregatorConfig: { pairs: Array<{ pair: string }> } } };
const pairs = config.solution.priceAggregatorConfig.pairs.map((p) => p.pair);
const timer = setInterval(() => void statusLine(pairs).then((line) => log(line)), Number(values['status-interval-ms']));
void statusLine(pairs).then((line) => log(line));
const request = await runner.waitForStopRequest();
clearInterval(timer);
await stop(request.exitCode, request.reason);
