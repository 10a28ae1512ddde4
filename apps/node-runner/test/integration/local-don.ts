/**
 * A whole decentralized oracle network on this machine, from real parts, for the integration
 * tests and the benchmark: PostgreSQL with one role and database per node (provisioned like the
 * container's postgres-init), anvil (chain id 1337: no libocr timing minimums), the fake exchange
 * behind the real price aggregator (dist/main.js), keys from the keys CLI, contracts deployed and
 * configured with the admin CLI (Super Protocol's aggregator flavour unless told otherwise, behind
 * a proxy per feed), and the nodes as child processes of dist/main.js (bundled from the sources
 * first), as s6 runs them.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { JsonRpcProvider } from 'ethers';
import pg from 'pg';
import { loadConfiguration, SOURCE_CONFIG_KEYS } from '@oracle/config';
import {
  aggregatorAt,
  aggregatorProxyAt,
  decodeNewTransmissionLog,
  NEW_TRANSMISSION_TOPIC,
  type NewTransmissionEvent,
} from '@oracle/evm';
import { FakeExchange } from '@oracle/fake-exchange';
import { provisionPostgres } from '@oracle/stack';
import {
  makeTempDir,
  runScriptLaunch,
  spawnService,
  startAnvil,
  sumSamples,
  startPostgres,
  type Anvil,
  type RunningPostgres,
  type RunningService,
  type TempDir,
} from '@oracle/testing';

const run = promisify(execFile);
/** apps/node-runner/, seen from test/integration/ or from its compiled copy under dist/ (the benchmark's). */
const HERE = fileURLToPath(new URL('.', import.meta.url));
const APP = HERE.includes('/dist/') ? HERE.slice(0, HERE.lastIndexOf('/dist/') + 1) : join(HERE, '../../');
const NODE_MAIN = join(APP, 'dist/main.js');
/** Writes dist/main.js, the bundled node runner, from the current sources (see the script). */
const BUNDLE_SCRIPT = join(APP, 'scripts/bundle.mjs');
const ADMIN_CLI = join(APP, 'dist/cli/admin.js');
const KEYS_CLI = join(APP, 'dist/keys/cli.js');
const AGGREGATOR_MAIN = join(APP, '../price-aggregator/dist/main.js');

/**
 * The s6 run script of a node. Its `node_flags='...'` (V8 flags) and `node_environment='...'`
 * (e.g. malloc tuning) lines are what every node process here starts with, so the tests and the
 * benchmark run nodes exactly as the image does. OCR_NODE_FLAGS overrides the flags, for measurements.
 */
const NODE_RUN_SCRIPT = join(APP, '../../rootfs/etc/s6-overlay/scripts/node-run');

const NODE_LAUNCH = runScriptLaunch(NODE_RUN_SCRIPT);
export const NODE_FLAGS = process.env.OCR_NODE_FLAGS?.split(' ').filter(Boolean) ?? NODE_LAUNCH.nodeFlags;
export const NODE_ENVIRONMENT = NODE_LAUNCH.env;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface DonFeed {
  readonly name: string;
  /** "BASE/QUOTE". */
  readonly pair: string;
  readonly decimals: number;
  readonly deviationPpb?: number;
  readonly heartbeatSeconds?: number;
}

export interface LocalDonOptions {
  /** Node 1 is the bootstrap node, 2..totalNodes are oracles. */
  readonly totalNodes: number;
  readonly feeds: readonly DonFeed[];
  /** Price of each feed's pair, set on every fake exchange. */
  readonly prices: Readonly<Record<string, string>>;
  /** Overrides of solution.ocr (ms). */
  readonly ocr?: Readonly<Record<string, Json>>;
  /** Overrides of solution.nodes. */
  readonly nodes?: Readonly<Record<string, Json>>;
  /** Overrides of solution.priceAggregatorConfig. */
  readonly aggregator?: Readonly<Record<string, Json>>;
  /** Give the nodes the WebSocket RPC too (ConfigSet subscriptions). */
  readonly rpcWs?: boolean;
  /**
   * The aggregator flavour the admin CLI deploys (contracts.flavour). Default: the CLI's,
   * Super Protocol's, with node 1 appointed confidential admin on the local stand-in.
   */
  readonly flavour?: 'superProtocol' | 'stock';
  readonly logLevel?: string;
}

export interface PublicKeys {
  readonly node: number;
  readonly peerId: string;
  readonly onchainSigningAddress: string;
  readonly offchainPublicKey: string;
  readonly configPublicKey: string;
  readonly transmitterAddress: string;
}

export interface NodeStatus {
  readonly node: number;
  readonly peers: string[];
  readonly transmitter?: string;
  readonly feeds: {
    readonly name: string;
    readonly contract: string;
    readonly configDigest?: string;
    readonly oracleId?: number;
    readonly instance?: { readonly epoch: number; readonly round: number; readonly leader: number };
  }[];
}

/** The three exchanges every feed is quoted on. */
const SOURCES = ['binance', 'okx', 'kraken'] as const;

export class LocalDon {
  readonly provider: JsonRpcProvider;
  readonly nodes = new Map<number, NodeProcess>();
  /** Feed name → aggregator address, after deploy(). */
  readonly contracts = new Map<string, string>();
  /** Feed name → the proxy in front of its aggregator, after deploy(). */
  readonly proxies = new Map<string, string>();
  #aggregator: RunningService | undefined;
  #adminAppointed = false;

  private constructor(
    readonly options: LocalDonOptions,
    readonly dir: TempDir,
    readonly configPath: string,
    readonly postgres: RunningPostgres,
    readonly anvil: Anvil,
    readonly exchange: FakeExchange,
    readonly keys: readonly PublicKeys[],
    /** Node i's API listens on apiPortBase + i. */
    readonly apiPortBase: number,
    readonly aggregatorPort: number,
  ) {
    this.provider = new JsonRpcProvider(anvil.rpcUrl, anvil.chainId, {
      staticNetwork: true,
      cacheTimeout: -1,
    });
  }

  /** Starts everything but the nodes: chain, database, exchange, aggregator, keys, configuration. */
  static async start(options: LocalDonOptions): Promise<LocalDon> {
    // A `tsc -b` alone may leave an older bundle in dist/main.js: the nodes run the sources as they are.
    await run(process.execPath, [BUNDLE_SCRIPT]);
    const dir = await makeTempDir('don');
    const [postgres, anvil, exchange] = await Promise.all([
      startPostgres(),
      startAnvil({ chainId: 1337 }),
      FakeExchange.start(),
    ]);
    for (const [pair, price] of Object.entries(options.prices)) setPrice(exchange, pair, price);
    const secretsDir = join(dir.path, 'secrets');
    const { stdout } = await run(process.execPath, [
      KEYS_CLI,
      'generate',
      '--nodes',
      String(options.totalNodes),
      '--out',
      secretsDir,
    ]);
    const keys = JSON.parse(stdout) as PublicKeys[];
    await writeFile(join(secretsDir, 'faucet-key'), `${anvil.accounts[0]?.privateKey}\n`, { mode: 0o600 });
    const configPath = join(dir.path, 'configuration.json');
    const ports = await freePortRange(2 * options.totalNodes + 3);
    const aggregatorPort = ports + 2 * options.totalNodes + 2;
    const configuration = {
      solution: {
        totalNodes: options.totalNodes,
        spSecretsDir: secretsDir,
        chainlinkChainId: 1337,
        chainlinkRpcHttpUrl: anvil.rpcUrl,
        ...(options.rpcWs ? { chainlinkRpcWsUrl: anvil.wsUrl } : {}),
        faucetPrivateKey: { file: 'faucet-key' },
        // anvil's fees are gwei-sized: top-ups far above the opBNB-sized defaults.
        faucetMinWei: '1000000000000000000',
        faucetTopupWei: '5000000000000000000',
        balanceTopupCheckIntervalMs: 5_000,
        postgres: { host: postgres.host, port: postgres.port },
        nodes: {
          host: '127.0.0.1',
          apiPortBase: ports,
          p2pPortBase: ports + options.totalNodes + 1,
          dataDirBase: join(dir.path, 'data'),
          logLevel: options.logLevel ?? 'info',
          observationTimeoutMs: 800,
          blockchainTimeoutMs: 2_000,
          configConfirmations: 1,
          configPollIntervalMs: 1_000,
          ...options.nodes,
        },
        ocr: {
          deltaProgressMs: 3_000,
          deltaResendMs: 1_000,
          deltaRoundMs: 1_000,
          deltaGraceMs: 200,
          deltaStageMs: 1_000,
          rMax: 10,
          heartbeatSeconds: 3_600,
          deviationPpb: 10_000_000,
          ...options.ocr,
        },
        priceAggregatorConfig: {
          host: '127.0.0.1',
          port: aggregatorPort,
          logger: { level: 'warn' },
          cache: { defaultTtlMs: 1_000 },
          refetch: { enabled: true, staleTriggerBeforeExpiry: 500, minTimeBetweenRefreshes: 200 },
          quotes: { requestTimeoutMs: 500 },
          aggregation: { minSources: 2, maxDeviationPpb: 50_000_000 },
          pairs: options.feeds.map((f) => ({ pair: f.pair, sources: [...SOURCES] })),
          sources: aggregatorSources(exchange),
          ...options.aggregator,
        },
        ...(options.flavour ? { contracts: { flavour: options.flavour } } : {}),
        feeds: options.feeds.map((f) => ({ ...f })),
      },
    };
    await writeFile(configPath, JSON.stringify(configuration, null, 2));
    const cfg = await loadConfiguration({ path: configPath });
    await provisionPostgres(cfg, { socketDir: postgres.socketDir });
    return new LocalDon(options, dir, configPath, postgres, anvil, exchange, keys, ports, aggregatorPort);
  }

  get secretsDir(): string {
    return join(this.dir.path, 'secrets');
  }

  /** The price aggregator (dist/main.js) on the same configuration; resolves once it answers every feed. */
  async startAggregator(): Promise<void> {
    const pairs = this.options.feeds.map((f) => f.pair.replace('/', '-')).join(',');
    const port = this.aggregatorPort;
    this.#aggregator = await spawnService(process.execPath, [AGGREGATOR_MAIN], {
      name: 'price-aggregator',
      env: { CONFIG_PATH: this.configPath },
      readyWhen: async () => {
        const response = await fetch(`http://127.0.0.1:${port}/quotes/batch?pairs=${pairs}`);
        const body = (await response.json()) as { pairs?: Record<string, { price?: string }> };
        return Object.values(body.pairs ?? {}).every((p) => p.price !== undefined);
      },
      readyTimeoutMs: 30_000,
    });
  }

  /** Runs the admin CLI; returns its JSON output. */
  async admin(...args: string[]): Promise<unknown> {
    const { stdout } = await run(process.execPath, [ADMIN_CLI, ...args, '--config', this.configPath]);
    return JSON.parse(stdout);
  }

  /** Deploys every feed's contract and proxy and writes the addresses into the configuration. */
  async deploy(): Promise<void> {
    const deployed = (await this.admin('deploy', '--out', this.configPath)) as {
      feed: string;
      address: string;
      proxyAddress: string;
    }[];
    for (const { feed, address, proxyAddress } of deployed) {
      this.contracts.set(feed, address);
      this.proxies.set(feed, proxyAddress);
    }
  }

  /**
   * setConfig on every feed with these oracle nodes (default every non-bootstrap node). On the
   * Super Protocol flavour node 1 is appointed confidential admin first (once): it sends setConfig.
   */
  async setConfig(
    oracles?: readonly number[],
  ): Promise<{ feed: string; status: string; configDigest: string }[]> {
    if (this.options.flavour !== 'stock' && !this.#adminAppointed) {
      await this.admin('appoint-admin');
      this.#adminAppointed = true;
    }
    const args = oracles ? ['--oracles', oracles.join(',')] : [];
    return (await this.admin('set-config', ...args)) as {
      feed: string;
      status: string;
      configDigest: string;
    }[];
  }

  async startNode(index: number): Promise<NodeProcess> {
    const node = new NodeProcess(index, `http://127.0.0.1:${this.apiPortBase + index}`, this);
    await node.start();
    this.nodes.set(index, node);
    return node;
  }

  node(index: number): NodeProcess {
    const node = this.nodes.get(index);
    if (!node) throw new Error(`node ${index} was never started`);
    return node;
  }

  contract(feed: string): string {
    const address = this.contracts.get(feed);
    if (!address) throw new Error(`feed ${feed} is not deployed`);
    return address;
  }

  /** Moves the pair's price on every exchange. */
  setPrice(pair: string, price: string): void {
    setPrice(this.exchange, pair, price);
  }

  proxy(feed: string): string {
    const address = this.proxies.get(feed);
    if (!address) throw new Error(`feed ${feed} has no proxy`);
    return address;
  }

  /** What consumers read: latestRoundData through the feed's proxy (round ids carry the phase). */
  async latestRoundData(feed: string): Promise<{ roundId: bigint; answer: bigint; updatedAt: bigint }> {
    const data = await aggregatorProxyAt(this.proxy(feed), this.provider).latestRoundData();
    return { roundId: data.roundId, answer: data.answer, updatedAt: data.updatedAt };
  }

  /** latestRoundData of the aggregator itself. */
  async aggregatorRoundData(feed: string): Promise<{ roundId: bigint; answer: bigint; updatedAt: bigint }> {
    const data = await aggregatorAt(this.contract(feed), this.provider).latestRoundData();
    return { roundId: data.roundId, answer: data.answer, updatedAt: data.updatedAt };
  }

  /** Every NewTransmission of a feed so far, with the transaction that carried it. */
  async transmissions(
    feed: string,
    fromBlock = 0,
  ): Promise<(NewTransmissionEvent & { txHash: string; blockNumber: number })[]> {
    const logs = await this.provider.getLogs({
      address: this.contract(feed),
      topics: [NEW_TRANSMISSION_TOPIC],
      fromBlock,
      toBlock: 'latest',
    });
    return logs.flatMap((log) => {
      const decoded = decodeNewTransmissionLog(log);
      return decoded.ok
        ? [{ ...decoded.value, txHash: log.transactionHash, blockNumber: log.blockNumber }]
        : [];
    });
  }

  /** One query on node i's own database (as the superuser). */
  async query<T extends pg.QueryResultRow>(index: number, sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({
      connectionString: this.postgres.connectionString(`chainlink_node_${index}`),
    });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.stop()));
    await this.#aggregator?.stop();
    this.provider.destroy();
    await Promise.all([this.exchange.close(), this.anvil.stop(), this.postgres.stop()]);
    await this.dir.remove();
  }
}

/** One node process (dist/main.js with NODE_INDEX), its HTTP API and its output. */
export class NodeProcess {
  #service: RunningService | undefined;
  /** Output of earlier lives (kept when the node is restarted). */
  #pastOutput = '';
  readonly #exited = new WeakSet<RunningService>();

  constructor(
    readonly index: number,
    readonly apiUrl: string,
    private readonly don: LocalDon,
  ) {}

  get pid(): number {
    return this.#service?.pid ?? 0;
  }

  /** Whether the process started last is still running (false once it exited, on its own or killed). */
  get alive(): boolean {
    return this.#service !== undefined && !this.#exited.has(this.#service);
  }

  /** Spawns the process; resolves once its API answers (at once with `untilReady: false`). */
  async start(options: { readonly untilReady?: boolean } = {}): Promise<void> {
    this.#service = await spawnService(process.execPath, [...NODE_FLAGS, NODE_MAIN], {
      name: `node-${this.index}`,
      env: {
        ...NODE_ENVIRONMENT,
        NODE_INDEX: String(this.index),
        CONFIG_PATH: this.don.configPath,
        NOTIFY_FD: '',
      },
      ...(options.untilReady === false
        ? {}
        : {
            readyWhen: async () => (await fetch(`${this.apiUrl}/health`)).status > 0,
            readyTimeoutMs: 30_000,
          }),
    });
    const service = this.#service;
    void service.exited.then(() => this.#exited.add(service));
  }

  /** SIGKILL: no graceful stop, as in a crash. */
  async kill(): Promise<void> {
    const service = this.#service;
    if (!service) return;
    process.kill(service.pid, 'SIGKILL');
    await service.exited;
    this.#pastOutput += service.output();
    this.#service = undefined;
  }

  /** SIGTERM and wait; returns the exit code. */
  async stop(): Promise<number | null> {
    const service = this.#service;
    if (!service) return null;
    const exit = await service.stop();
    this.#pastOutput += service.output();
    this.#service = undefined;
    return exit.code;
  }

  output(): string {
    return this.#pastOutput + (this.#service?.output() ?? '');
  }

  /** The output's JSON log lines. */
  logs(): Record<string, unknown>[] {
    return this.output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  async status(): Promise<NodeStatus> {
    return (await fetch(`${this.apiUrl}/status`)).json() as Promise<NodeStatus>;
  }

  async health(): Promise<{
    status: number;
    body: { status: string; checks: Record<string, { ok: boolean; detail: string }> };
  }> {
    const response = await fetch(`${this.apiUrl}/health`);
    return { status: response.status, body: (await response.json()) as never };
  }

  async metricsText(): Promise<string> {
    return (await fetch(`${this.apiUrl}/metrics`)).text();
  }

  /** The sum of a metric's samples whose labels include `labels`. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    return sumSamples(await this.metricsText(), name, labels);
  }
}

function setPrice(exchange: FakeExchange, pair: string, price: string): void {
  const [base, quote] = pair.split('/') as [string, string];
  exchange.setPriceEverywhere(base, quote, price);
}

function aggregatorSources(exchange: FakeExchange): Record<string, Json> {
  return Object.fromEntries(
    Object.values(SOURCE_CONFIG_KEYS).map((key) =>
      (SOURCES as readonly string[]).includes(key)
        ? [
            key,
            {
              baseUrl: exchange.url(key),
              rps: null,
              timeoutMs: 1_000,
              maxRetries: 0,
              stream: { enabled: false },
            },
          ]
        : [key, { enabled: false }],
    ),
  );
}

/** `count` consecutive TCP ports free on 127.0.0.1 right now; returns the first. */
async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below the ephemeral range (32768+), where outbound connections could take them meanwhile.
    const first = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => isFree(first + i)));
    if (free.every(Boolean)) return first;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
