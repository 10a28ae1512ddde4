#!/usr/bin/env node
/**
 * The DON administrator's commands: deploy the feeds' aggregator contracts and proxies, appoint the
 * confidential admin on a local stand-in, and set the feeds' OCR1 configuration from the nodes'
 * public keys, on Chainlink's stock aggregator or Super Protocol's fork. Run with the built code:
 *   node apps/node-runner/dist/cli/admin.js <command> [options]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatEther, Wallet, type JsonRpcProvider } from 'ethers';
import {
  configurationPath,
  loadConfiguration,
  nodeKeyFiles,
  selectNodeConfig,
  type Configuration,
} from '@oracle/config';
import { adminCertificateHelperAt, probeAggregatorFlavour, type AggregatorFlavour } from '@oracle/evm';
import { z } from 'zod';
import { jsonRpcProvider } from '../adapters/rpc-provider.js';
import type { NodePublicKeys } from '../keys/node-keys.js';
import { readPublicKeysOf } from '../keys/public-keys.js';
import { loadKeysOf } from '../runtime/node-secrets.js';
import { configureFeeds, summarize, type AdminAccount } from './configure-feeds.js';
import { deployFeeds } from './deploy-feeds.js';
import { buildContractConfig } from './oracle-config.js';

const USAGE = `Usage: admin <command> [--config <configuration.json>] [--key-env <VAR>] [options]

  deploy [--out <file>] [--flavour superProtocol|stock] [--batch-size 10]
      Deploys for every feed what it lacks: an OCR1 aggregator (no contractAddress) of the flavour
      (default contracts.flavour, else superProtocol) and an AggregatorProxy in front of it (no
      proxyAddress). Super Protocol aggregators trust contracts.adminCertificateHelper; without one a
      local stand-in is deployed first. Prints [{feed, pair, address, deployed, proxyAddress,
      proxyDeployed}] as JSON. With --out, writes a copy of the configuration with the addresses (and
      a deployed stand-in) filled in, also when a deployment failed midway.
  appoint-admin [--address <0x...> | --admin-node 1]
      Local stand-in only: its owner appoints the confidential admin (default: the EVM account of
      node --admin-node, node 1) and tops the account up from the owner below faucetMinWei. Prints
      {helper, admin, appointed, fundedWei}.
  set-config [--keys <public-keys.json>] [--oracles <i,j,...>] [--flavour superProtocol|stock]
             [--payee <0x...>] [--admin-key-env <VAR> | --admin-node 1] [--batch-size 10]
             [--retries 3] [--retry-delay-ms 1000]
      Sets each deployed feed's OCR1 configuration: the oracles (default: every node that is not a
      bootstrap node, in index order), f (ocr.f, default floor((n-1)/3)), the timings of "ocr" and the
      feed's heartbeat and deviation, a fresh shared secret. Public keys come from --keys (the output
      of "keys public") or from the public parts of the nodes' key files, in the key layout of
      nodes.keys. The flavour is --flavour, else contracts.flavour, else probed per contract. Stock:
      the owner sets payees (--payee, else contracts.payee, else each transmitter itself) for
      transmitters without one, then setConfig. Super Protocol: the owner's setConsensusConfig when
      the timings differ, the confidential admin's setConfig when the oracles do; the admin is
      --admin-key-env, else the EVM account of node --admin-node (default 1, as in the reference),
      from its key files. Feeds go in concurrent batches; a feed whose on-chain config already has
      the same oracles, f and parameters is left alone, errors other than reverts are retried, and a
      failed feed never stops the others. Progress and a summary on stderr; prints [{feed, address,
      flavour, status: set|unchanged|failed|not deployed, configDigest, transactions, reason}]; exits
      1 when a feed failed.

  --config   the configuration (default $CONFIG_PATH, else /sp/configurations/configuration.json)
  --key-env  environment variable holding the contract owner's private key (default: the
             configuration's faucetPrivateKey)`;

type Command = 'deploy' | 'appoint-admin' | 'set-config';
const COMMANDS: readonly Command[] = ['deploy', 'appoint-admin', 'set-config'];

interface Options {
  readonly command: Command;
  readonly configPath: string;
  readonly keyEnv: string | undefined;
  readonly out: string | undefined;
  readonly keysFile: string | undefined;
  readonly oracles: number[] | undefined;
  readonly flavour: AggregatorFlavour | undefined;
  readonly payee: string | undefined;
  readonly adminKeyEnv: string | undefined;
  readonly adminNode: number;
  readonly address: string | undefined;
  readonly batchSize: number;
  readonly retries: number;
  readonly retryDelayMs: number;
}

function parseOptions(argv: string[]): Options {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      'key-env': { type: 'string' },
      out: { type: 'string' },
      keys: { type: 'string' },
      oracles: { type: 'string' },
      flavour: { type: 'string' },
      payee: { type: 'string' },
      'admin-key-env': { type: 'string' },
      'admin-node': { type: 'string', default: '1' },
      address: { type: 'string' },
      'batch-size': { type: 'string', default: '10' },
      retries: { type: 'string', default: '3' },
      'retry-delay-ms': { type: 'string', default: '1000' },
    },
  });
  const [command, ...extra] = positionals;
  if (!COMMANDS.includes(command as Command) || extra.length > 0)
    throw new Error(`expected one command: ${COMMANDS.join(', ')}`);
  const oracles = values.oracles?.split(',').map((s) => Number(s.trim()));
  if (oracles?.some((i) => !Number.isInteger(i) || i < 1))
    throw new Error('--oracles takes node numbers, e.g. 2,3,4,5');
  const flavour = values.flavour;
  if (flavour !== undefined && flavour !== 'superProtocol' && flavour !== 'stock')
    throw new Error('--flavour is superProtocol or stock');
  for (const [name, value] of [
    ['--payee', values.payee],
    ['--address', values.address],
  ] as const)
    if (value !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(value))
      throw new Error(`${name} takes a 0x address`);
  const count = (name: string, value: string, min: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} takes an integer >= ${min}`);
    return n;
  };
  return {
    command: command as Command,
    configPath: configurationPath({ ...(values.config ? { path: values.config } : {}) }),
    keyEnv: values['key-env'],
    out: values.out,
    keysFile: values.keys,
    oracles,
    flavour,
    payee: values.payee,
    adminKeyEnv: values['admin-key-env'],
    adminNode: count('admin-node', values['admin-node'], 1),
    address: values.address,
    batchSize: count('batch-size', values['batch-size'], 1),
    retries: count('retries', values.retries, 0),
    retryDelayMs: count('retry-delay-ms', values['retry-delay-ms'], 0),
  };
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function ownerWallet(cfg: Configuration, options: Options, provider: JsonRpcProvider): Promise<Wallet> {
  const key = options.keyEnv ? process.env[options.keyEnv] : cfg.solution.faucetPrivateKey?.reveal();
  if (!key)
    throw new Error(
      options.keyEnv
        ? `environment variable ${options.keyEnv} is not set`
        : 'no owner key: pass --key-env <VAR> or configure faucetPrivateKey',
    );
  try {
    return new Wallet(key, provider);
  } catch {
    throw new Error('the owner key is not a valid private key');
  }
}

async function deploy(cfg: Configuration, options: Options, owner: Wallet): Promise<unknown[]> {
  const { contracts, feeds } = cfg.solution;
  const flavour = options.flavour ?? contracts.flavour ?? 'superProtocol';
  const why = options.flavour ? '--flavour' : contracts.flavour ? 'contracts.flavour' : 'the default';
  log(`deploy: ${feeds.length} feeds, aggregator flavour ${flavour} (${why}), owner ${owner.address}`);
  const result = await deployFeeds(feeds, {
    owner,
    flavour,
    adminCertificateHelper: contracts.adminCertificateHelper,
    batchSize: options.batchSize,
    log,
  });
  if (options.out) {
    const raw = JSON.parse(await readFile(options.configPath, 'utf8')) as {
      solution: { feeds: { name: string; [key: string]: unknown }[]; contracts?: Record<string, unknown> };
    };
    for (const feed of raw.solution.feeds) {
      const deployed = result.feeds.find((d) => d.feed === feed.name);
      if (deployed)
        Object.assign(feed, { contractAddress: deployed.address, proxyAddress: deployed.proxyAddress });
    }
    if (result.adminCertificateHelper?.deployed)
      raw.solution.contracts = {
        ...raw.solution.contracts,
        adminCertificateHelper: result.adminCertificateHelper.address,
      };
    await writeFile(options.out, `${JSON.stringify(raw, null, 2)}\n`);
  }
  if (result.error) {
    process.stdout.write(`${JSON.stringify(result.feeds, null, 2)}\n`);
    throw new Error(`deploy stopped after ${result.feeds.length} feeds: ${result.error.message}`);
  }
  return result.feeds;
}

const publicKeysSchema = z.array(
  z.object({
    node: z.int(),
    peerId: z.string().min(1),
    onchainSigningAddress: z.string(),
    offchainPublicKey: z.string(),
    configPublicKey: z.string(),
    transmitterAddress: z.string(),
  }),
);

/** The public keys of nodes `indices`, from the keys CLI's output or from the nodes' key files. */
async function publicKeysOf(
  cfg: Configuration,
  indices: number[],
  keysFile: string | undefined,
): Promise<NodePublicKeys[]> {
  if (keysFile) {
    const all = publicKeysSchema.parse(JSON.parse(await readFile(keysFile, 'utf8')));
    return indices.map((index) => {
      const entry = all.find((k) => k.node === index);
      if (!entry) throw new Error(`${keysFile} has no keys for node ${index}`);
      const { node: _node, ...keys } = entry;
      return keys;
    });
  }
  return Promise.all(indices.map((index) => readPublicKeysOf(nodeKeyFiles(cfg, index))));
}

/** The oracle nodes of set-config: --oracles, else every node that is not a bootstrap node. */
function oracleIndices(cfg: Configuration, options: Options): number[] {
  const s = cfg.solution;
  return (
    options.oracles ??
    Array.from({ length: s.totalNodes }, (_, i) => i + 1).filter((i) => !s.bootstrapNodes.includes(i))
  );
}

/** The confidential admin's account: --admin-key-env, else node --admin-node's EVM account. */
async function adminAccount(
  cfg: Configuration,
  options: Options,
  provider: JsonRpcProvider,
): Promise<AdminAccount> {
  if (options.adminKeyEnv) {
    const key = process.env[options.adminKeyEnv];
    if (!key) throw new Error(`environment variable ${options.adminKeyEnv} is not set`);
    return { wallet: new Wallet(key, provider), source: `the account of $${options.adminKeyEnv}` };
  }
  const node = options.adminNode;
  const keys = await loadKeysOf(selectNodeConfig(cfg, node));
  return {
    wallet: new Wallet(keys.oracle.reveal().transmitterPrivateKey, provider),
    source: `node ${node}'s EVM account`,
  };
}

/** The helper the Super Protocol aggregators trust: contracts.adminCertificateHelper, else the first feed's. */
async function helperOf(cfg: Configuration, provider: JsonRpcProvider): Promise<string> {
  const configured = cfg.solution.contracts.adminCertificateHelper;
  if (configured) return configured;
  for (const feed of cfg.solution.feeds) {
    if (!feed.contractAddress) continue;
    const probe = await probeAggregatorFlavour(provider, feed.contractAddress);
    if (probe.adminCertificateHelper) return probe.adminCertificateHelper;
  }
  throw new Error('no contracts.adminCertificateHelper, and no deployed feed of the Super Protocol flavour');
}

async function appointAdmin(cfg: Configuration, options: Options, owner: Wallet): Promise<unknown> {
  const provider = owner.provider as JsonRpcProvider;
  const node = options.adminNode;
  const address =
    options.address ?? (await publicKeysOf(cfg, [node], options.keysFile))[0]?.transmitterAddress;
  if (!address) throw new Error(`no EVM account for node ${node}`);
  const helperAddress = await helperOf(cfg, provider);
  const helper = adminCertificateHelperAt(helperAddress, owner);
  let appointed = false;
  if (!(await helper.isAdmin(address))) {
    await (await helper.appointAdmin(address)).wait();
    appointed = true;
  }
  // The admin pays for setConfig: top it up like the faucet tops up transmitters.
  let funded = 0n;
  if ((await provider.getBalance(address)) < cfg.solution.faucetMinWei) {
    funded = cfg.solution.faucetTopupWei;
    await (await owner.sendTransaction({ to: address, value: funded })).wait();
  }
  log(
    `appoint-admin: ${address} ${appointed ? 'is now' : 'already was'} the confidential admin of ${helperAddress}` +
      (funded > 0n ? `; sent it ${formatEther(funded)} from the owner` : ''),
  );
  return { helper: helperAddress, admin: address, appointed, fundedWei: funded.toString() };
}

async function setConfig(cfg: Configuration, options: Options, owner: Wallet): Promise<unknown[]> {
  const s = cfg.solution;
  const provider = owner.provider as JsonRpcProvider;
  const oracles = await publicKeysOf(cfg, oracleIndices(cfg, options), options.keysFile);
  const f = s.ocr.f ?? Math.floor((oracles.length - 1) / 3);
  const flavour = options.flavour ?? s.contracts.flavour;
  const how = options.flavour ? ' (--flavour)' : s.contracts.flavour ? ' (contracts.flavour)' : '';
  log(
    `set-config: ${s.feeds.length} feeds, ${oracles.length} oracles, f = ${f}, flavour ` +
      `${flavour ? `${flavour}${how}` : 'probed per contract (adminCertificateHelper())'}, batches of ${options.batchSize}`,
  );
  const feeds = s.feeds.map((feed) => ({
    name: feed.name,
    address: feed.contractAddress,
    wanted: buildContractConfig({
      ...s.ocr,
      oracles,
      f,
      heartbeatSeconds: feed.heartbeatSeconds ?? s.ocr.heartbeatSeconds,
      deviationPpb: feed.deviationPpb ?? s.ocr.deviationPpb,
    }),
  }));
  const outcomes = await configureFeeds(feeds, {
    provider,
    owner,
    admin: () => adminAccount(cfg, options, provider),
    flavour,
    payee: options.payee ?? s.contracts.payee,
    batchSize: options.batchSize,
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
    log,
  });
  for (const line of summarize(outcomes)) log(line);
  const flavours = new Map<string, number>();
  for (const o of outcomes) if (o.flavour) flavours.set(o.flavour, (flavours.get(o.flavour) ?? 0) + 1);
  if (flavours.size > 0)
    log(`set-config: flavours: ${[...flavours].map(([name, n]) => `${name} ${n}`).join(', ')}`);
  if (outcomes.some((o) => o.status === 'failed')) process.exitCode = 1;
  return outcomes;
}

async function run(options: Options): Promise<unknown> {
  const cfg = await loadConfiguration({
    path: options.configPath,
    secrets: ['solution.faucetPrivateKey', 'solution.nodes.keystorePassword'],
  });
  const provider = jsonRpcProvider(cfg.solution.chainlinkRpcHttpUrl, cfg.solution.chainlinkChainId);
  try {
    const owner = await ownerWallet(cfg, options, provider);
    switch (options.command) {
      case 'deploy':
        return await deploy(cfg, options, owner);
      case 'appoint-admin':
        return await appointAdmin(cfg, options, owner);
      case 'set-config':
        return await setConfig(cfg, options, owner);
    }
  } finally {
    provider.destroy();
  }
}

let options: Options | undefined;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
  process.exitCode = 2;
}
if (options) {
  try {
    process.stdout.write(`${JSON.stringify(await run(options), null, 2)}\n`);
  } catch (error) {
    const problems = (error as { problems?: { path: string; message: string }[] }).problems;
    const detail = problems
      ? problems.map((p) => `${p.path}: ${p.message}`).join('\n')
      : (error as Error).message;
    process.stderr.write(`${detail}\n`);
    process.exitCode = 1;
  }
}
