#!/usr/bin/env node
/**
 * The main job on a developer's machine (`npm start`): the image's service tree, run on this host.
 *
 *   node packages/stack/dist/cli/local-stack.js [--run-dir .run/local] [--replay-port 8999]
 *     [--chain-port 8545] [--postgres-port 55432] [--status-interval-ms 5000]
 *     [--metrics-push-url <url> [--metrics-push-interval-ms 15000]]
 *     [--contracts-flavour superProtocol|stock]
 *
 * --metrics-push-url makes the aggregator, process metrics and every node push their metrics to a
 * Pushgateway base URL or a VictoriaMetrics /api/v1/import/prometheus URL (instance "local",
 * environment "development"). The market replay takes faults at POST <replay>/__control/fault.
 *
 * 1. the outside world: the market replay (the fake exchange playing packages/stack/market-data,
 *    synthetic) and a local chain (anvil; a block a second once the feeds are configured);
 * 2. a configuration derived from configuration.example.json pointing at them, secrets and data
 *    under the run directory; the feeds' contracts deployed with the node runner's admin CLI: by
 *    default Super Protocol's aggregator flavour (trusting a local AdminCertificateHelper stand-in),
 *    `--contracts-flavour stock` for Chainlink's, each behind an EACAggregatorProxy-compatible proxy;
 * 3. the s6 tree brought up in dependency order by the s6-runner under Debian's s6-svscan: config
 *    check, PostgreSQL with one role and database per node, node keys, the aggregator, process
 *    metrics and the oracle nodes; as soon as the node keys exist, the owner appoints node 1's EVM
 *    account confidential admin on the stand-in and each feed's OCR configuration is set on-chain
 *    (admin CLI: the owner's timings, node 1's oracle set), as in production;
 * 4. a status line every few seconds: each feed's aggregated price and latest answer read through
 *    its proxy, as consumers read it.
 *
 * Ctrl-C (or SIGTERM) stops the services in reverse order, then the chain and the replay.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SOURCE_IDS } from '@oracle/config';
import { LocalRunner, StopRequestedError } from '@oracle/s6-runner';
import { LOCAL_SECRET_FILES, localConfiguration } from '../local-configuration.js';
import { startLocalChain, startMarketReplay, type Helper } from '../local-helpers.js';
import { writeSecretFile } from '../private-file.js';
import { aggregatedPrices, formatStatus, latestRound, type FeedStatus } from '../stack-status.js';

const began = Date.now();
const { values } = parseArgs({
  options: {
    'run-dir': { type: 'string', default: '.run/local' },
    'replay-port': { type: 'string', default: '8999' },
    'chain-port': { type: 'string', default: '8545' },
    'postgres-port': { type: 'string', default: '55432' },
    'status-interval-ms': { type: 'string', default: '5000' },
    'metrics-push-url': { type: 'string' },
    'metrics-push-interval-ms': { type: 'string', default: '15000' },
    'contracts-flavour': { type: 'string', default: 'superProtocol' },
  },
});
const flavour = values['contracts-flavour'];
if (flavour !== 'superProtocol' && flavour !== 'stock') {
  process.stderr.write('--contracts-flavour is superProtocol or stock\n');
  process.exit(2);
}
const appDir = resolve(process.env.APP_DIR ?? '.');
const runDir = resolve(values['run-dir']);
const secretsDir = join(runDir, 'secrets');
const configPath = join(runDir, 'configuration.json');
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const log = (msg: string): void => void process.stderr.write(`[local-stack] ${msg}\n`);

interface LocalFeed {
  readonly name: string;
  readonly pair: string;
  readonly decimals: number;
  readonly contractAddress?: string;
  readonly proxyAddress?: string;
}
interface LocalConfiguration {
  readonly solution: {
    readonly feeds: LocalFeed[];
    readonly priceAggregatorConfig: { host: string; port: number };
  };
}

/** A secret file under the run directory's secrets/: 0600 in 0700 directories, even if it was there before. */
const writeSecret = (file: string, value: string): Promise<void> =>
  writeSecretFile(secretsDir, file, `${value}\n`);

/** The node runner's admin CLI on the local configuration; returns its JSON answer. */
function admin<T = Array<Record<string, unknown>>>(...args: string[]): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const cli = join(appDir, 'apps/node-runner/dist/cli/admin.js');
    const child = spawn(process.execPath, [cli, ...args, '--config', configPath], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolvePromise(JSON.parse(stdout) as T)
        : reject(new Error(`admin ${args[0]} exited with code ${code}`)),
    );
  });
}

const helpers: Helper[] = [];
let runner: LocalRunner | undefined;
let stopping = false;
async function stop(code: number, why: string): Promise<never> {
  if (!stopping) {
    stopping = true;
    log(`stopping (${why})`);
    await runner?.down();
    for (const helper of helpers.reverse()) await helper.stop();
    log('everything stopped');
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop(0, 'interrupted'));
process.on('SIGTERM', () => void stop(0, 'terminated'));

async function start(): Promise<LocalConfiguration> {
  await mkdir(runDir, { recursive: true });
  const replayPort = Number(values['replay-port']);
  const marketData = join(appDir, 'packages/stack/market-data');
  const [replay, chain] = await Promise.allSettled([
    startMarketReplay(appDir, replayPort, join(marketData, 'prices.json'), join(marketData, 'replay.jsonl')),
    startLocalChain(Number(values['chain-port']), runDir),
  ]);
  for (const started of [replay, chain]) if (started.status === 'fulfilled') helpers.push(started.value);
  if (replay.status === 'rejected') throw replay.reason;
  if (chain.status === 'rejected') throw chain.reason;
  log(
    `market replay (synthetic data) on http://127.0.0.1:${replayPort} (faults: POST /__control/fault), chain ${chain.value.chainId} on ${chain.value.rpcUrl}`,
  );

  for (const id of SOURCE_IDS) await writeSecret(LOCAL_SECRET_FILES.apiKey(id), 'local-replay-key');
  await writeSecret(LOCAL_SECRET_FILES.faucetKey, chain.value.ownerKey);
  const example = JSON.parse(await readFile(join(appDir, 'configuration.example.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const configuration = localConfiguration(example, {
    sourceUrls: (id) => ({
      baseUrl: `http://127.0.0.1:${replayPort}/${id}`,
      wsUrl: `ws://127.0.0.1:${replayPort}/${id}`,
    }),
    secretsDir,
    dataDir: join(runDir, 'nodes'),
    postgresPort: Number(values['postgres-port']),
    rpcHttpUrl: chain.value.rpcUrl,
    chainId: chain.value.chainId,
    ...(values['metrics-push-url']
      ? {
          metricsPush: {
            url: values['metrics-push-url'],
            intervalMs: Number(values['metrics-push-interval-ms']),
          },
        }
      : {}),
  });
  if (values['metrics-push-url'])
    log(`metrics pushed to ${values['metrics-push-url']} every ${values['metrics-push-interval-ms']} ms`);
  (configuration.solution as Record<string, unknown>).contracts = { flavour };
  await writeFile(configPath, `${JSON.stringify(configuration, null, 2)}\n`);
  for (const { feed, address, proxyAddress } of await admin('deploy', '--out', configPath))
    log(
      `deployed ${String(feed)} (${flavour}) at ${String(address)}, read at its proxy ${String(proxyAddress)}`,
    );

  // The feeds' OCR configuration needs only the nodes' public keys: set it as soon as node-keys is
  // done, while the rest starts, so the nodes find it on-chain when they come up.
  let configured: Promise<void> | undefined;
  const setConfig = async (): Promise<void> => {
    if (flavour === 'superProtocol') {
      const { admin: account, helper } = await admin<{ admin: string; helper: string }>('appoint-admin');
      log(`node 1's EVM account ${account} is the confidential admin of the stand-in ${helper}`);
    }
    for (const { feed, status, transactions } of await admin('set-config'))
      log(
        `OCR configuration of ${String(feed)}: ${String(status)}` +
          (Array.isArray(transactions) ? ` (${transactions.join(', ')})` : ''),
      );
    await chain.value.setBlockTime(1);
  };
  runner = new LocalRunner({
    overlayRoot: join(appDir, 'rootfs/etc/s6-overlay'),
    runDir: join(runDir, 's6'),
    bundle: 'user',
    env: {
      ...process.env,
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      APP_DIR: appDir,
      CONFIG_PATH: configPath,
      PGDATA: join(runDir, 'postgresql/data'),
      PG_SOCKET_DIR: join(runDir, 'postgresql/socket'),
      STACK_ENV_FILE: join(runDir, 'stack.env'),
    },
    onTransition: (service, state) => {
      if (service !== 'node-keys' || state !== 'up') return;
      configured = setConfig();
      configured.catch(() => undefined); // awaited below, once the services are up
    },
  });
  await runner.up();
  log(`all services ready ${seconds(Date.now() - began)} after start`);
  await configured;
  return JSON.parse(await readFile(configPath, 'utf8')) as LocalConfiguration;
}

async function feedStatus(configuration: LocalConfiguration, rpcUrl: string): Promise<FeedStatus[]> {
  const { feeds, priceAggregatorConfig: aggregator } = configuration.solution;
  const prices = await aggregatedPrices(
    `http://${aggregator.host}:${aggregator.port}`,
    feeds.map((f) => f.pair),
  ).catch(() => new Map<string, FeedStatus['aggregated']>());
  return Promise.all(
    feeds.map(async (feed) => {
      // Read as consumers read it: through the proxy.
      const readAt = feed.proxyAddress ?? feed.contractAddress;
      return {
        pair: feed.pair,
        aggregated: prices.get(feed.pair),
        onChain: readAt ? await latestRound(rpcUrl, readAt, feed.decimals).catch(() => undefined) : undefined,
      };
    }),
  );
}

const configuration = await start().catch((error: unknown) => {
  log(error instanceof StopRequestedError ? error.message : `could not start: ${(error as Error).message}`);
  return stop(1, 'start failed');
});
const rpcUrl = `http://127.0.0.1:${values['chain-port']}`;
const statusIntervalMs = Number(values['status-interval-ms']);
let firstAnswerSeen = false;
let lastStatusAt = 0;
let busy = false;
// Polled twice a second so the first on-chain answer is timed closely; printed every statusIntervalMs.
const timer = setInterval(() => {
  if (busy || stopping) return;
  busy = true;
  void feedStatus(configuration, rpcUrl)
    .then((feeds) => {
      if (!firstAnswerSeen && feeds.some((f) => f.onChain)) {
        firstAnswerSeen = true;
        lastStatusAt = 0;
        log(`first on-chain answer ${seconds(Date.now() - began)} after start`);
      }
      if (Date.now() - lastStatusAt >= statusIntervalMs && !stopping) {
        lastStatusAt = Date.now();
        log(formatStatus(feeds));
      }
    })
    .finally(() => (busy = false));
}, 500);
const request = await runner!.waitForStopRequest();
clearInterval(timer);
await stop(request.exitCode, request.reason);
