#!/usr/bin/env node
/**
 * The DON administrator's commands: deploy the feeds' aggregator contracts, and set their OCR1
 * configuration from the nodes' public keys. Run with the built code:
 *   node apps/node-runner/dist/cli/admin.js <command> [options]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Wallet, type JsonRpcProvider } from 'ethers';
import { configurationPath, loadConfiguration, nodeKeyFiles, type Configuration } from '@oracle/config';
import { aggregatorAt, deployAggregator, ZERO_CONFIG_DIGEST } from '@oracle/evm';
import { z } from 'zod';
import { EthersChainReader } from '../adapters/chain-reader.js';
import { jsonRpcProvider } from '../adapters/rpc-provider.js';
import type { NodePublicKeys } from '../keys/node-keys.js';
import { readPublicKeysOf } from '../keys/public-keys.js';
import { buildContractConfig, sameContractConfig } from './oracle-config.js';

const USAGE = `Usage: admin <command> [--config <configuration.json>] [--key-env <VAR>] [options]

  deploy [--out <file>]
      Deploys an OCR1 aggregator for every feed without a contractAddress and prints
      [{feed, pair, address, deployed}] as JSON. With --out, writes a copy of the configuration with
      the addresses filled in.
  set-config [--keys <public-keys.json>] [--oracles <i,j,...>]
      Sets each deployed feed's OCR1 configuration: the oracles (default: every node that is not a
      bootstrap node, in index order), f (ocr.f, default floor((n-1)/3)), the timings of "ocr" and the
      feed's heartbeat and deviation, a fresh shared secret. Public keys come from --keys (the output
      of "keys public") or from the public parts of the nodes' key files, in the key layout of
      nodes.keys. A feed whose on-chain config already equals the wanted one is left alone. Prints
      [{feed, address, status, configDigest}].

  --config   the configuration (default $CONFIG_PATH, else /sp/configurations/configuration.json)
  --key-env  environment variable holding the contract owner's private key (default: the
             configuration's faucetPrivateKey)`;

/** Most answers a feed accepts by default: the reference deployment's bounds. */
const DEFAULT_MIN_ANSWER = 1n;
const DEFAULT_MAX_ANSWER = 2n ** 160n - 1n;

interface Options {
  readonly command: 'deploy' | 'set-config';
  readonly configPath: string;
  readonly keyEnv: string | undefined;
  readonly out: string | undefined;
  readonly keysFile: string | undefined;
  readonly oracles: number[] | undefined;
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
    },
  });
  const [command, ...extra] = positionals;
  if ((command !== 'deploy' && command !== 'set-config') || extra.length > 0)
    throw new Error('expected one command: deploy or set-config');
  const oracles = values.oracles?.split(',').map((s) => Number(s.trim()));
  if (oracles?.some((i) => !Number.isInteger(i) || i < 1))
    throw new Error('--oracles takes node numbers, e.g. 2,3,4,5');
  return {
    command,
    configPath: configurationPath({ ...(values.config ? { path: values.config } : {}) }),
    keyEnv: values['key-env'],
    out: values.out,
    keysFile: values.keys,
    oracles,
  };
}

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
  const results = [];
  const addresses: (string | undefined)[] = [];
  for (const feed of cfg.solution.feeds) {
    if (feed.contractAddress) {
      addresses.push(feed.contractAddress);
      results.push({ feed: feed.name, pair: feed.pair, address: feed.contractAddress, deployed: false });
      continue;
    }
    const contract = await deployAggregator(owner, {
      minAnswer: feed.minAnswer ?? DEFAULT_MIN_ANSWER,
      maxAnswer: feed.maxAnswer ?? DEFAULT_MAX_ANSWER,
      decimals: feed.decimals,
      description: feed.description ?? feed.name,
    });
    const address = await contract.getAddress();
    addresses.push(address);
    results.push({ feed: feed.name, pair: feed.pair, address, deployed: true });
  }
  if (options.out) {
    const raw = JSON.parse(await readFile(options.configPath, 'utf8')) as {
      solution: { feeds: Record<string, unknown>[] };
    };
    raw.solution.feeds.forEach((feed, i) => {
      if (addresses[i]) feed.contractAddress = addresses[i];
    });
    await writeFile(options.out, `${JSON.stringify(raw, null, 2)}\n`);
  }
  return results;
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

async function setConfig(cfg: Configuration, options: Options, owner: Wallet): Promise<unknown[]> {
  const s = cfg.solution;
  const indices =
    options.oracles ??
    Array.from({ length: s.totalNodes }, (_, i) => i + 1).filter((i) => !s.bootstrapNodes.includes(i));
  const oracles = await publicKeysOf(cfg, indices, options.keysFile);
  const f = s.ocr.f ?? Math.floor((oracles.length - 1) / 3);
  const chain = new EthersChainReader(owner.provider as JsonRpcProvider);
  const results = [];
  for (const feed of s.feeds) {
    if (!feed.contractAddress) {
      results.push({ feed: feed.name, status: 'not deployed' });
      continue;
    }
    const wanted = buildContractConfig({
      ...s.ocr,
      oracles,
      f,
      heartbeatSeconds: feed.heartbeatSeconds ?? s.ocr.heartbeatSeconds,
      deviationPpb: feed.deviationPpb ?? s.ocr.deviationPpb,
    });
    const details = await chain.latestConfigDetails(feed.contractAddress);
    if (details.configDigest !== ZERO_CONFIG_DIGEST) {
      const events = await chain.configSetEvents(feed.contractAddress, details.blockNumber);
      const current = events.findLast((e) => e.configCount === details.configCount);
      if (current && sameContractConfig(current, wanted)) {
        results.push({
          feed: feed.name,
          address: feed.contractAddress,
          status: 'unchanged',
          configDigest: details.configDigest,
        });
        continue;
      }
    }
    const contract = aggregatorAt(feed.contractAddress, owner);
    const tx = await contract.setConfig(
      [...wanted.signers],
      [...wanted.transmitters],
      wanted.threshold,
      wanted.encodedConfigVersion,
      wanted.encoded,
    );
    await tx.wait();
    const after = await chain.latestConfigDetails(feed.contractAddress);
    results.push({
      feed: feed.name,
      address: feed.contractAddress,
      status: 'set',
      configDigest: after.configDigest,
    });
  }
  return results;
}

async function run(options: Options): Promise<unknown[]> {
  const cfg = await loadConfiguration({ path: options.configPath, secrets: ['solution.faucetPrivateKey'] });
  const provider = jsonRpcProvider(cfg.solution.chainlinkRpcHttpUrl, cfg.solution.chainlinkChainId);
  try {
    const owner = await ownerWallet(cfg, options, provider);
    return options.command === 'deploy'
      ? await deploy(cfg, options, owner)
      : await setConfig(cfg, options, owner);
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
