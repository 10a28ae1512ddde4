/**
 * The admin CLI (dist/cli/admin.js) on anvil, with both aggregator flavours and no nodes running:
 * deploy (aggregators and proxies), appoint-admin on the local stand-in, and set-config: who sends
 * what, idempotence, payees on the stock flavour, and a failing feed that does not stop the others.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { id, JsonRpcProvider, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aggregatorAt,
  aggregatorProxyAt,
  decodeConfigSetLog,
  deployAggregator,
  generateOracleKeys,
  superProtocolAggregatorAt,
  CONFIG_SET_TOPIC,
  type ConfigSetEvent,
} from '@oracle/evm';
import { makeTempDir, startAnvil, type Anvil, type TempDir } from '@oracle/testing';
import { configureFeeds } from '../../src/cli/configure-feeds.js';
import { buildContractConfig } from '../../src/cli/oracle-config.js';

const run = promisify(execFile);
const APP = fileURLToPath(new URL('../../', import.meta.url));
const ADMIN_CLI = join(APP, 'dist/cli/admin.js');
const KEYS_CLI = join(APP, 'dist/keys/cli.js');
const PAYEESHIP_TRANSFERRED = id('PayeeshipTransferred(address,address,address)');

interface Keys {
  readonly node: number;
  readonly onchainSigningAddress: string;
  readonly transmitterAddress: string;
}
interface Outcome {
  readonly feed: string;
  readonly address?: string;
  readonly flavour?: string;
  readonly status: string;
  readonly configDigest?: string;
  readonly transactions?: string[];
  readonly reason?: string;
}
interface DeployedFeed {
  readonly feed: string;
  readonly address: string;
  readonly deployed: boolean;
  readonly proxyAddress: string;
  readonly proxyDeployed: boolean;
}

let anvil: Anvil;
let provider: JsonRpcProvider;
let dir: TempDir;
let keys: Keys[];

const feeds = (names: readonly string[]) =>
  names.map((name) => ({ name: `${name} / USD`, pair: `${name}/USD`, decimals: 8 }));

/** A configuration file of 5 nodes (node 1 bootstrap) on the shared anvil and keys. */
async function configuration(file: string, solution: Record<string, unknown>): Promise<string> {
  const path = join(dir.path, file);
  const config = {
    solution: {
      totalNodes: 5,
      spSecretsDir: join(dir.path, 'secrets'),
      chainlinkChainId: 1337,
      chainlinkRpcHttpUrl: anvil.rpcUrl,
      faucetPrivateKey: { file: 'faucet-key' },
      faucetMinWei: '1000000000000000000',
      faucetTopupWei: '5000000000000000000',
      nodes: { observationTimeoutMs: 800 },
      ocr: {
        deltaProgressMs: 3_000,
        deltaResendMs: 1_000,
        deltaRoundMs: 1_000,
        deltaGraceMs: 200,
        deltaStageMs: 1_000,
        heartbeatSeconds: 3_600,
      },
      priceAggregatorConfig: {
        sources: {
          cryptocompare: { enabled: false },
          finnhub: { enabled: false },
          alphavantage: { enabled: false },
        },
      },
      ...solution,
    },
  };
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

/** Runs the admin CLI; resolves with its exit code, JSON answer and stderr, whatever the exit code. */
async function admin(
  config: string,
  ...args: string[]
): Promise<{ code: number; json: unknown; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [ADMIN_CLI, ...args, '--config', config]);
    return { code: 0, json: JSON.parse(stdout), stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return {
      code: failed.code,
      json: failed.stdout ? JSON.parse(failed.stdout) : undefined,
      stderr: failed.stderr,
    };
  }
}

async function deployed(config: string): Promise<{
  feeds: { name: string; contractAddress: string; proxyAddress: string }[];
  contracts?: { adminCertificateHelper?: string };
}> {
  return (JSON.parse(await readFile(config, 'utf8')) as { solution: never }).solution;
}

async function configSets(address: string, fromBlock = 0): Promise<ConfigSetEvent[]> {
  const logs = await provider.getLogs({ address, topics: [CONFIG_SET_TOPIC], fromBlock, toBlock: 'latest' });
  return logs.flatMap((log) => {
    const decoded = decodeConfigSetLog(log);
    return decoded.ok ? [decoded.value] : [];
  });
}

const oracleKeys = (): Keys[] => keys.filter((k) => k.node !== 1);

beforeAll(async () => {
  [anvil, dir] = await Promise.all([startAnvil({ chainId: 1337 }), makeTempDir('admin-cli')]);
  provider = new JsonRpcProvider(anvil.rpcUrl, anvil.chainId, { staticNetwork: true, cacheTimeout: -1 });
  const secrets = join(dir.path, 'secrets');
  const { stdout } = await run(process.execPath, [KEYS_CLI, 'generate', '--nodes', '5', '--out', secrets]);
  keys = JSON.parse(stdout) as Keys[];
  await writeFile(join(secrets, 'faucet-key'), `${anvil.accounts[0]?.privateKey}\n`, { mode: 0o600 });
});

afterAll(async () => {
  provider?.destroy();
  await anvil?.stop();
  await dir?.remove();
});

describe('the Super Protocol flavour (the default)', () => {
  let config: string;
  let addresses: string[];

  it('deploy: an aggregator and a proxy per feed, trusting a local AdminCertificateHelper stand-in', async () => {
    config = await configuration('sp.json', { feeds: feeds(['BTC', 'ETH', 'SOL']) });
    const { code, json, stderr } = await admin(config, 'deploy', '--out', config);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('aggregator flavour superProtocol (the default)');
    expect(stderr).toMatch(/local AdminCertificateHelper stand-in at 0x[0-9a-fA-F]{40}/);
    const result = json as DeployedFeed[];
    expect(result.map((r) => [r.feed, r.deployed, r.proxyDeployed])).toEqual([
      ['BTC / USD', true, true],
      ['ETH / USD', true, true],
      ['SOL / USD', true, true],
    ]);
    const written = await deployed(config);
    addresses = written.feeds.map((f) => f.contractAddress);
    expect(addresses).toEqual(result.map((r) => r.address));
    for (const feed of written.feeds) {
      expect(await aggregatorProxyAt(feed.proxyAddress, provider).aggregator()).toBe(feed.contractAddress);
      expect(await superProtocolAggregatorAt(feed.contractAddress, provider).adminCertificateHelper()).toBe(
        written.contracts?.adminCertificateHelper,
      );
    }
    // A second deploy deploys nothing.
    const again = (await admin(config, 'deploy')).json as DeployedFeed[];
    expect(again.every((r) => !r.deployed && !r.proxyDeployed)).toBe(true);
  });

  it('set-config: nothing is sent while node 1 is not the confidential admin', async () => {
    const { code, json, stderr } = await admin(config, 'set-config');
    expect(code, stderr).toBe(1);
    const outcomes = json as Outcome[];
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'failed']);
    expect(outcomes[0]?.reason).toMatch(
      /node 1's EVM account 0x[0-9a-fA-F]{40} is not the confidential admin/,
    );
    expect(stderr).toContain('set-config: 3 feeds: 0 set, 0 unchanged, 3 failed');
    for (const address of addresses) expect(await configSets(address)).toEqual([]);
  });

  it('appoint-admin: the owner appoints node 1 on the stand-in and funds it', async () => {
    const node1 = keys.find((k) => k.node === 1)?.transmitterAddress;
    const { code, json, stderr } = await admin(config, 'appoint-admin');
    expect(code, stderr).toBe(0);
    expect(json).toMatchObject({ admin: node1, appointed: true, fundedWei: '5000000000000000000' });
    expect(stderr).toMatch(/is now the confidential admin of 0x[0-9a-fA-F]{40}; sent it 5\.0 from the owner/);
    expect(((await admin(config, 'appoint-admin')).json as { appointed: boolean }).appointed).toBe(false);
  });

  it('set-config: the owner sets the timings, the admin the oracles; only the admin may', async () => {
    const { code, json, stderr } = await admin(config, 'set-config', '--batch-size', '2');
    expect(code, stderr).toBe(0);
    const outcomes = json as Outcome[];
    expect(outcomes.map((o) => [o.status, o.flavour, o.transactions])).toEqual(
      Array(3).fill(['set', 'superProtocol', ['setConsensusConfig', 'setConfig']]),
    );
    expect(stderr).toContain('flavour probed per contract (adminCertificateHelper())');
    expect(stderr).toContain('set-config: 2/3 feeds (set 2, unchanged 0, failed 0)');
    expect(stderr).toContain('set-config: 3 feeds: 3 set, 0 unchanged, 0 failed');
    const node1 = keys.find((k) => k.node === 1)?.transmitterAddress;
    for (const [i, address] of addresses.entries()) {
      const [event, ...more] = await configSets(address);
      expect(more).toEqual([]);
      expect(event?.signers).toEqual(oracleKeys().map((k) => k.onchainSigningAddress));
      expect(event?.transmitters).toEqual(oracleKeys().map((k) => k.transmitterAddress));
      expect(event?.threshold).toBe(1);
      expect(event?.encodedConfigVersion).toBe(1n);
      expect((await aggregatorAt(address, provider).latestConfigDetails()).configDigest).toBe(
        outcomes[i]?.configDigest,
      );
      // setConfig came from node 1's account.
      const [log] = await provider.getLogs({ address, topics: [CONFIG_SET_TOPIC], fromBlock: 0 });
      expect((await provider.getTransaction(log?.transactionHash as string))?.from).toBe(node1);
    }
    // The owner cannot set the oracles itself.
    const owner = new Wallet(anvil.accounts[0]?.privateKey as string, provider);
    const aggregator = superProtocolAggregatorAt(addresses[0] as string, owner);
    const oracles = oracleKeys();
    await expect(
      aggregator.setConfig.staticCall({
        signers: oracles.map((k) => k.onchainSigningAddress),
        transmitters: oracles.map((k) => k.transmitterAddress),
        threshold: 1,
        s: [1, 1, 2],
        offchainPublicKeys: oracles.map((k) => id(k.onchainSigningAddress)),
        peerIDs: 'a,b,c,d',
        sharedSecretEncryptions: {
          diffieHellmanPoint: id('x'),
          sharedSecretHash: id('y'),
          encryptions: oracles.map(() => '0x' + '11'.repeat(16)),
        },
      }),
    ).rejects.toMatchObject({ reason: 'Only confidential admin' });
  });

  it('set-config again: every feed unchanged, nothing sent', async () => {
    const before = await provider.getBlockNumber();
    const { code, json, stderr } = await admin(config, 'set-config');
    expect(code, stderr).toBe(0);
    expect((json as Outcome[]).map((o) => o.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(stderr).toContain('3 feeds: 0 set, 3 unchanged, 0 failed');
    expect(await provider.getBlockNumber()).toBe(before);
  });

  it('a changed heartbeat is only setConsensusConfig; a bogus feed fails while the others go on', async () => {
    const current = JSON.parse(await readFile(config, 'utf8')) as {
      solution: { feeds: Record<string, unknown>[]; contracts: Record<string, unknown> };
    };
    const [btc, eth, sol] = current.solution.feeds as [Record<string, unknown>, ...Record<string, unknown>[]];
    const bogus = {
      name: 'XRP / USD',
      pair: 'XRP/USD',
      decimals: 8,
      contractAddress: Wallet.createRandom().address,
    };
    const changed = await configuration('sp-changed.json', {
      contracts: current.solution.contracts,
      feeds: [{ ...btc, heartbeatSeconds: 60 }, bogus, eth, sol],
    });
    const before = await provider.getBlockNumber();
    const { code, json, stderr } = await admin(changed, 'set-config', '--retry-delay-ms', '10');
    expect(code, stderr).toBe(1);
    const outcomes = json as Outcome[];
    expect(outcomes.map((o) => [o.feed, o.status, o.transactions])).toEqual([
      ['BTC / USD', 'set', ['setConsensusConfig']],
      ['XRP / USD', 'failed', undefined],
      ['ETH / USD', 'unchanged', undefined],
      ['SOL / USD', 'unchanged', undefined],
    ]);
    expect(outcomes[1]?.reason).toBe(`no contract at ${bogus.contractAddress}`);
    expect(stderr).toContain(
      `failed: XRP / USD (${bogus.contractAddress}): no contract at ${bogus.contractAddress}`,
    );
    expect(stderr).toContain('4 feeds: 1 set, 2 unchanged, 1 failed');
    // The owner's setConsensusConfig republished the config at once: new timings, same oracles.
    const [event] = await configSets(addresses[0] as string, before + 1);
    expect(event?.configCount).toBe(2n);
    expect(event?.signers).toEqual(oracleKeys().map((k) => k.onchainSigningAddress));
  });
});

describe('the stock flavour', () => {
  let config: string;
  let addresses: string[];

  it('deploys stock aggregators and proxies, and sets payees before setConfig', async () => {
    config = await configuration('stock.json', {
      contracts: { flavour: 'stock' },
      feeds: feeds(['LINK', 'DOT']),
    });
    const deploy = await admin(config, 'deploy', '--out', config);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stderr).toContain('aggregator flavour stock (contracts.flavour)');
    addresses = (await deployed(config)).feeds.map((f) => f.contractAddress);
    // A transmitter whose payee someone already set: setPayees leaves it out, setConfig still works.
    const owner = new Wallet(anvil.accounts[0]?.privateKey as string, provider);
    const first = oracleKeys()[0]?.transmitterAddress as string;
    await (await aggregatorAt(addresses[1] as string, owner).setPayees([first], [owner.address])).wait();

    const { code, json, stderr } = await admin(config, 'set-config');
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('flavour stock (contracts.flavour)');
    const outcomes = json as Outcome[];
    expect(outcomes.map((o) => [o.status, o.flavour, o.transactions])).toEqual(
      Array(2).fill(['set', 'stock', ['setPayees', 'setConfig']]),
    );
    const payeesOf = async (address: string) =>
      (await provider.getLogs({ address, topics: [PAYEESHIP_TRANSFERRED], fromBlock: 0 })).map((log) => [
        `0x${log.topics[1]?.slice(26)}`,
        `0x${log.topics[3]?.slice(26)}`,
      ]);
    const lower = (a: string) => a.toLowerCase();
    expect(await payeesOf(addresses[0] as string)).toEqual(
      oracleKeys().map((k) => [lower(k.transmitterAddress), lower(k.transmitterAddress)]),
    );
    expect(await payeesOf(addresses[1] as string)).toEqual([
      [lower(first), lower(owner.address)],
      ...oracleKeys()
        .slice(1)
        .map((k) => [lower(k.transmitterAddress), lower(k.transmitterAddress)]),
    ]);
    for (const address of addresses) {
      const [event] = await configSets(address);
      expect(event?.transmitters).toEqual(oracleKeys().map((k) => k.transmitterAddress));
    }
  });

  it('is left alone the second time, and probing finds the stock flavour too', async () => {
    const again = await admin(config, 'set-config', '--flavour', 'stock');
    expect((again.json as Outcome[]).map((o) => o.status)).toEqual(['unchanged', 'unchanged']);
    const unconfigured = await configuration('stock-probed.json', {
      feeds: (await deployed(config)).feeds,
    });
    const probed = await admin(unconfigured, 'set-config');
    expect(probed.code).toBe(0);
    expect((probed.json as Outcome[]).map((o) => [o.status, o.flavour])).toEqual([
      ['unchanged', 'stock'],
      ['unchanged', 'stock'],
    ]);
  });
});

describe('configureFeeds retries', () => {
  /** A provider whose first `failures` getCode calls fail like a dropped connection. */
  class FlakyProvider extends JsonRpcProvider {
    failures = 0;
    override async getCode(address: string): Promise<string> {
      if (this.failures > 0) {
        this.failures--;
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return super.getCode(address);
    }
  }

  it('retries a feed after an RPC error, and does not retry a revert', async () => {
    const flaky = new FlakyProvider(anvil.rpcUrl, anvil.chainId, { staticNetwork: true, cacheTimeout: -1 });
    const owner = new Wallet(anvil.accounts[0]?.privateKey as string, flaky);
    try {
      const address = await (
        await deployAggregator(owner, {
          minAnswer: 1n,
          maxAnswer: 2n ** 100n,
          decimals: 8,
          description: 'RETRY',
        })
      ).getAddress();
      const oracles = Array.from({ length: 4 }, (_, i) => ({
        ...generateOracleKeys((n) => new Uint8Array(randomBytes(n))).publicKeys(),
        peerId: `12D3KooWPeer${i}`,
      }));
      const wanted = buildContractConfig({
        oracles,
        f: 1,
        deltaProgressMs: 3_000,
        deltaResendMs: 1_000,
        deltaRoundMs: 1_000,
        deltaGraceMs: 200,
        deltaStageMs: 1_000,
        rMax: 10,
        heartbeatSeconds: 3_600,
        deviationPpb: 1_000_000,
      });
      const lines: string[] = [];
      const options = {
        provider: flaky,
        owner,
        admin: () => Promise.reject(new Error('no admin here')),
        flavour: undefined,
        payee: undefined,
        batchSize: 10,
        retries: 2,
        retryDelayMs: 1,
        log: (line: string) => void lines.push(line),
      };
      flaky.failures = 2;
      const [retried] = await configureFeeds([{ name: 'RETRY', address, wanted }], options);
      expect(retried).toMatchObject({ status: 'set', flavour: 'stock', attempts: 3 });
      expect(lines.filter((l) => l.includes('retrying'))).toHaveLength(2);
      // A revert fails at once: f = 2 needs more than 6 oracles.
      lines.length = 0;
      const [reverted] = await configureFeeds(
        [{ name: 'RETRY', address, wanted: { ...wanted, threshold: 2 } }],
        options,
      );
      expect(reverted).toMatchObject({
        status: 'failed',
        attempts: 1,
        reason: 'setConfig: reverted: faulty-oracle threshold too high',
      });
      // Past the retries, the feed fails with the last error.
      flaky.failures = 3;
      const [exhausted] = await configureFeeds([{ name: 'RETRY', address, wanted }], options);
      expect(exhausted).toMatchObject({ status: 'failed', attempts: 3, reason: 'socket hang up' });
    } finally {
      flaky.destroy();
    }
  });
});
