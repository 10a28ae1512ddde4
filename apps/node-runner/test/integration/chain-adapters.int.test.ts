/**
 * The chain-facing adapters against anvil (chain id 1337) and a real PostgreSQL: the contract
 * config tracker (libocr's checks, the store, the WebSocket trigger), the transmitter (nonces,
 * the re-check before sending, stuck-transaction replacement, transaction rows) and the faucet.
 */
import { randomBytes } from 'node:crypto';
import { getBytes, JsonRpcProvider, Wallet } from 'ethers';
import { createLogger } from '@oracle/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aggregatorAt,
  deployAggregator,
  encodeOffchainConfig,
  decodeOffchainConfig,
  encodeReport,
  generateOracleKeys,
  signReport,
  transmitArgs,
  type ContractConfig,
  type OracleKeys,
} from '@oracle/evm';
import { startAnvil, startPostgres, waitFor, type Anvil, type RunningPostgres } from '@oracle/testing';
import { EthersChainReader } from '../../src/adapters/chain-reader.js';
import { ConfigSetSubscription } from '../../src/adapters/config-set-subscription.js';
import { ContractConfigTracker } from '../../src/adapters/contract-config-tracker.js';
import { EthersTransmitter } from '../../src/adapters/ethers-transmitter.js';
import { Faucet } from '../../src/adapters/faucet.js';
import { openPgStore, type PgStore } from '../../src/adapters/pg-store.js';
import { jsonRpcProvider } from '../../src/adapters/rpc-provider.js';
import { buildContractConfig } from '../../src/cli/oracle-config.js';
import { NodeMetrics } from '../../src/metrics/node-metrics.js';
import type { TransmitRequest } from '../../src/ports/chain.js';
import type { AcceptedConfig } from '../../src/ports/config-tracker.js';
import { toTransmitArgs } from '../../src/runtime/report-codec.js';
import { systemClock } from '../../src/runtime/system-clock.js';

const logger = createLogger({ service: 'chain-adapters-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const gwei = (n: number): bigint => BigInt(n) * 1_000_000_000n;
const gas = {
  maxFeePerGasWei: gwei(1_000),
  maxPriorityFeePerGasWei: gwei(2),
  gasLimit: 500_000,
  bumpPercent: 20,
  stuckAfterBlocks: 2,
};

let anvil: Anvil;
let postgres: RunningPostgres;
let provider: JsonRpcProvider;
let store: PgStore;
let owner: Wallet;
const keys: OracleKeys[] = Array.from({ length: 4 }, () =>
  generateOracleKeys((n) => new Uint8Array(randomBytes(n))),
);
const peerIds = keys.map((_, i) => `12D3KooWTestPeer${i}`);
const oracleSet = {
  oracles: keys.map((k, i) => ({ ...k.publicKeys(), peerId: peerIds[i] as string })),
  f: 1,
  deltaProgressMs: 3_000,
  deltaResendMs: 1_000,
  deltaRoundMs: 1_000,
  deltaGraceMs: 200,
  deltaStageMs: 1_000,
  rMax: 10,
  heartbeatSeconds: 60,
  deviationPpb: 1_000_000,
};

async function deployFeed(): Promise<string> {
  const contract = await deployAggregator(owner, {
    minAnswer: 1n,
    maxAnswer: 10n ** 30n,
    decimals: 8,
    description: 'TEST / USD',
  });
  return contract.getAddress();
}

async function setConfig(address: string, config: ContractConfig): Promise<number> {
  // The stock contract wants a payee for every transmitter first (setting the same one again is a no-op).
  const transmitters = [...config.transmitters];
  await (await aggregatorAt(address, owner).setPayees(transmitters, transmitters)).wait();
  const tx = await aggregatorAt(address, owner).setConfig(
    [...config.signers],
    [...config.transmitters],
    config.threshold,
    config.encodedConfigVersion,
    config.encoded,
  );
  return (await tx.wait())?.blockNumber ?? 0;
}

async function fund(address: string): Promise<void> {
  await (await owner.sendTransaction({ to: address, value: 10n ** 19n })).wait();
}

beforeAll(async () => {
  [anvil, postgres] = await Promise.all([
    startAnvil({ chainId: 1337 }),
    startPostgres({ databases: ['node_2'] }),
  ]);
  provider = jsonRpcProvider(anvil.rpcUrl, anvil.chainId);
  owner = new Wallet(anvil.accounts[0]?.privateKey as string, provider);
  const opened = await openPgStore({ connectionString: postgres.connectionString('node_2'), logger });
  if (!opened.ok) throw new Error(opened.error.message);
  store = opened.value;
});

afterAll(async () => {
  await store?.close();
  provider?.destroy();
  await Promise.all([anvil?.stop(), postgres?.stop()]);
});

function tracker(
  address: string,
  options: { me?: number; chain?: EthersChainReader; pollIntervalMs?: number; confirmations?: number } = {},
) {
  const accepted: AcceptedConfig[] = [];
  const me = options.me;
  const instance = new ContractConfigTracker({
    contract: address,
    chain: options.chain ?? new EthersChainReader(provider),
    store,
    chainId: 1337,
    confirmations: options.confirmations ?? 2,
    pollIntervalMs: options.pollIntervalMs ?? 200,
    ...(me === undefined
      ? {}
      : { identity: { keys: keys[me] as OracleKeys, peerId: peerIds[me] as string } }),
    clock: systemClock,
    logger,
  });
  return { instance, accepted, start: () => instance.start((c) => accepted.push(c)) };
}

describe('contract config tracker', () => {
  it('accepts a config after its confirmations, finds this oracle and decrypts the shared secret', async () => {
    const address = await deployFeed();
    const trackers = [tracker(address, { me: 1 }), tracker(address, { me: 3 }), tracker(address)];
    await Promise.all(trackers.map((t) => t.start()));
    const config = buildContractConfig(oracleSet);
    const block = await setConfig(address, config);
    await new Promise((resolve) => setTimeout(resolve, 600));
    // One confirmation short (2 wanted): nothing yet.
    expect(trackers.map((t) => t.accepted.length)).toEqual([0, 0, 0]);
    await provider.send('evm_mine', []);
    await waitFor(() => trackers.every((t) => t.accepted.length === 1), {
      what: 'the config on every tracker',
    });
    const [one, three, bootstrap] = trackers.map((t) => t.accepted[0] as AcceptedConfig);
    expect(one?.raw.blockNumber).toBe(BigInt(block));
    expect(one?.membership?.oracleId).toBe(1);
    expect(three?.membership?.oracleId).toBe(3);
    expect(one?.membership?.sharedSecret).toBe(three?.membership?.sharedSecret);
    expect(bootstrap?.membership).toBeUndefined();
    expect(bootstrap?.publicConfig.oracles.map((o) => o.peerId)).toEqual(peerIds);
    const details = await aggregatorAt(address, provider).latestConfigDetails();
    expect(one?.raw.configDigest).toBe(details.configDigest.toLowerCase());
    const stored = await store.loadContractConfig(address);
    expect(stored.ok && stored.value?.configDigest).toBe(one?.raw.configDigest);
    await Promise.all(trackers.map((t) => t.instance.stop()));

    // A restart with the chain unreachable uses the stored config.
    const deadChain = new EthersChainReader(
      new JsonRpcProvider('http://127.0.0.1:1', 1337, { staticNetwork: true }),
    );
    const restarted = tracker(address, { me: 1, chain: deadChain });
    await restarted.start();
    expect(restarted.accepted.map((c) => [c.raw.configDigest, c.membership?.oracleId])).toEqual([
      [one?.raw.configDigest, 1],
    ]);
    await restarted.instance.stop();
  });

  it('ignores version 0 configs and refuses a shared secret whose hash does not match', async () => {
    const address = await deployFeed();
    const t = tracker(address, { me: 0 });
    await t.start();
    const good = buildContractConfig(oracleSet);
    await setConfig(address, { ...good, encodedConfigVersion: 0n });
    await provider.send('evm_mine', []);
    const decoded = decodeOffchainConfig(good.encoded);
    if (!decoded.ok) throw new Error(decoded.error);
    const tampered = encodeOffchainConfig({
      ...decoded.value,
      sharedSecretEncryptions: {
        ...decoded.value.sharedSecretEncryptions,
        sharedSecretHash: '0x' + '00'.repeat(32),
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await setConfig(address, { ...good, encoded: tampered });
    await provider.send('evm_mine', []);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(t.accepted).toEqual([]);
    await setConfig(address, good);
    await provider.send('evm_mine', []);
    await waitFor(() => t.accepted.length === 1, { what: 'the valid config' });
    expect(t.accepted[0]?.membership?.oracleId).toBe(0);
    await t.instance.stop();
  });

  it('picks up a config at once from a ConfigSet log over WebSocket, long before the next poll', async () => {
    const address = await deployFeed();
    const t = tracker(address, { me: 2, pollIntervalMs: 60_000, confirmations: 1 });
    await t.start();
    const subscription = new ConfigSetSubscription({
      wsUrl: anvil.wsUrl,
      contracts: [address],
      onConfigSet: (contract) => {
        if (contract === address.toLowerCase()) t.instance.pollNow();
      },
      clock: systemClock,
      logger,
    });
    subscription.start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await setConfig(address, buildContractConfig(oracleSet));
    await waitFor(() => t.accepted.length === 1, { timeoutMs: 10_000, what: 'the config via WebSocket' });
    subscription.stop();
    await t.instance.stop();
  });
});

describe('ConfigSet subscription', () => {
  it('keeps reconnecting with backoff while the WebSocket endpoint refuses, without crashing', async () => {
    const lines: string[] = [];
    const subscription = new ConfigSetSubscription({
      wsUrl: 'ws://127.0.0.1:1',
      contracts: ['0x' + '11'.repeat(20)],
      onConfigSet: () => undefined,
      clock: systemClock,
      logger: createLogger({ service: 'config-subscription-test', level: 'warn', destination: { write: (line: string) => lines.push(line) } }),
      reconnectBackoff: { initialDelayMs: 100, maxDelayMs: 400, multiplier: 2, jitter: 0 },
    });
    subscription.start();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    subscription.stop();
    const delays = lines.map((line) => (JSON.parse(line) as { delayMs: number }).delayMs);
    expect(delays.slice(0, 4)).toEqual([100, 200, 400, 400]);
  });
});

describe('transmitter', () => {
  let address: string;
  let digest: string;
  let round = 0;

  /** A fresh report for the next round, signed by oracles 0 and 2. */
  function nextReport(contract = address, configDigest = digest): TransmitRequest {
    round += 1;
    const context = { configDigest, epoch: 1, round };
    const observations = [0, 1, 2].map((observer) => ({ observer, value: 100_000_000n + BigInt(round) }));
    const report = encodeReport(context, observations);
    const signatures = [0, 2].map((i) => signReport(report, keys[i]!.reveal().onchainSigningKey));
    return { contract, configDigest, epoch: 1, round, ...transmitArgs(report, signatures) };
  }

  function transmitter(i: number, receiptPollMs = 50, metrics = new NodeMetrics()): EthersTransmitter {
    return new EthersTransmitter({
      provider,
      chain: new EthersChainReader(provider),
      privateKey: keys[i]!.reveal().transmitterPrivateKey,
      chainId: 1337,
      gas,
      store,
      clock: systemClock,
      logger,
      metrics,
      feedOf: (contract) => (contract === address ? 'BTC / USD' : contract),
      receiptPollMs,
    });
  }

  beforeAll(async () => {
    address = await deployFeed();
    await setConfig(address, buildContractConfig(oracleSet));
    digest = (await aggregatorAt(address, provider).latestConfigDetails()).configDigest.toLowerCase();
    for (const i of [0, 1]) await fund(keys[i]!.transmitterAddress);
  });

  it('sends a report, waits for its receipt, records it, and skips what the contract already has', async () => {
    const metrics = new NodeMetrics();
    const t = transmitter(0, 50, metrics);
    const request = nextReport();
    const outcome = await t.transmit(request);
    expect(outcome).toMatchObject({ status: 'confirmed' });
    const receipt = await provider.getTransactionReceipt(
      outcome.status === 'confirmed' ? outcome.txHash : '',
    );
    const text = await metrics.registry.metrics();
    expect(text).toContain(`oracle_transmit_gas_used_total{feed="BTC / USD"} ${receipt?.gasUsed}`);
    expect(receipt?.fee).toBeGreaterThan(0n);
    expect(text).toContain(`oracle_transmit_fee_wei_total{feed="BTC / USD"} ${Number(receipt?.fee)}`);
    const details = await aggregatorAt(address, provider).latestTransmissionDetails({ from: t.address });
    expect([details.epoch, details.round]).toEqual([1n, BigInt(request.round)]);
    const confirmed = await store.transactionsByStatus('confirmed', t.address);
    expect(confirmed.ok && confirmed.value.map((x) => x.hash)).toContain(
      outcome.status === 'confirmed' && outcome.txHash,
    );
    expect(await t.transmit(request)).toEqual({
      status: 'skipped',
      reason: 'the contract already has this or a later round',
    });
    expect(await t.transmit({ ...request, configDigest: '0x' + '22'.repeat(16) })).toMatchObject({
      status: 'skipped',
    });
  });

  it('hands out consecutive nonces to concurrent transmissions and recovers a nonce taken behind its back', async () => {
    const t = transmitter(1);
    const feeds: string[] = [];
    for (let i = 0; i < 3; i++) feeds.push(await deployFeed());
    for (const feed of feeds) await setConfig(feed, buildContractConfig(oracleSet));
    const digests = await Promise.all(
      feeds.map(async (feed) =>
        (await aggregatorAt(feed, provider).latestConfigDetails()).configDigest.toLowerCase(),
      ),
    );
    const outcomes = await Promise.all(feeds.map((feed, i) => t.transmit(nextReport(feed, digests[i]))));
    expect(outcomes.map((o) => o.status)).toEqual(['confirmed', 'confirmed', 'confirmed']);
    const rows = await store.transactionsByStatus('confirmed', t.address);
    const nonces = (rows.ok ? rows.value : []).map((r) => r.nonce);
    expect(nonces).toEqual([nonces[0], (nonces[0] ?? 0n) + 1n, (nonces[0] ?? 0n) + 2n]);

    // Another process spends the transmitter's next nonce: the transmitter notices and re-reads it.
    const sameAccount = new Wallet(keys[1]!.reveal().transmitterPrivateKey, provider);
    await (await sameAccount.sendTransaction({ to: owner.address, value: 1n })).wait();
    expect(await t.transmit(nextReport(feeds[0], digests[0]))).toMatchObject({ status: 'confirmed' });
  });

  it('replaces a stuck transaction with higher fees and reports the one that was mined', async () => {
    await fund(keys[2]!.transmitterAddress);
    const t = transmitter(2);
    await provider.send('evm_setAutomine', [false]);
    try {
      const pending = t.transmit(nextReport());
      let outcome: Awaited<typeof pending> | undefined;
      void pending.then((o) => (outcome = o));
      // Blocks whose base fee sits just above the first transaction's fee cap: it cannot be included.
      for (let i = 0; i < 100 && !outcome; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const sent = await store.transactionsByStatus('pending', t.address);
        const fees = sent.ok ? sent.value.map((x) => x.maxFeePerGas) : [];
        if (fees.length === 0) continue;
        const first = fees[0] as bigint;
        await provider.send('anvil_setNextBlockBaseFeePerGas', [`0x${((first * 110n) / 100n).toString(16)}`]);
        await provider.send('evm_mine', []);
      }
      expect(outcome).toMatchObject({ status: 'confirmed' });
      const replaced = await store.transactionsByStatus('replaced', t.address);
      const confirmed = await store.transactionsByStatus('confirmed', t.address);
      expect(replaced.ok && replaced.value).toHaveLength(1);
      const [old, mined] = [
        replaced.ok ? replaced.value[0] : undefined,
        confirmed.ok ? confirmed.value[0] : undefined,
      ];
      expect(mined?.nonce).toBe(old?.nonce);
      expect(mined?.maxFeePerGas).toBe(((old?.maxFeePerGas ?? 0n) * 120n + 99n) / 100n);
      expect(outcome?.status === 'confirmed' && outcome.txHash).toBe(mined?.hash);
    } finally {
      await provider.send('evm_setAutomine', [true]);
    }
  });

  it('builds transmit arguments the contract accepts from an attested report', async () => {
    const t = transmitter(0);
    round += 1;
    const observations = [0, 1, 3].map((observer) => ({ observer, value: 200_000_000n + BigInt(observer) }));
    const context = { configDigest: digest, epoch: 1, round };
    const report = encodeReport(context, observations);
    const signatures = [3, 1].map((signer) => ({
      signer,
      signature: getBytes(signReport(report, keys[signer]!.reveal().onchainSigningKey)),
    }));
    const args = toTransmitArgs(context, { observations, signatures });
    expect(
      await t.transmit({ contract: address, configDigest: digest, epoch: 1, round, ...args }),
    ).toMatchObject({
      status: 'confirmed',
    });
    expect((await aggregatorAt(address, provider).latestRoundData()).answer).toBe(200_000_001n);
  });
});

describe('faucet', () => {
  it('tops up transmitters below the minimum, once, from the shared faucet account, even concurrently', async () => {
    const targets = [Wallet.createRandom().address, Wallet.createRandom().address];
    const metrics = targets.map(() => new NodeMetrics());
    const faucets = targets.map(
      (target, i) =>
        new Faucet({
          provider,
          target,
          faucetPrivateKey: anvil.accounts[5]?.privateKey,
          minWei: 10n ** 18n,
          topupWei: 3n * 10n ** 18n,
          checkIntervalMs: 60_000,
          caps: gas,
          clock: systemClock,
          logger,
          metrics: metrics[i] as NodeMetrics,
          retryBackoff: { initialDelayMs: 50, maxDelayMs: 400, multiplier: 2, jitter: 0.5 },
        }),
    );
    await Promise.all(faucets.map((f) => f.check()));
    for (const target of targets) expect(await provider.getBalance(target)).toBe(3n * 10n ** 18n);
    // The gauge shows the topped-up balance at once, not only after the next check.
    for (const m of metrics)
      expect(await m.registry.metrics()).toMatch(/oracle_transmitter_balance_wei 3000000000000000000\n/);
    await Promise.all(faucets.map((f) => f.check()));
    for (const target of targets) expect(await provider.getBalance(target)).toBe(3n * 10n ** 18n);
    const text = await metrics[0]!.registry.metrics();
    expect(text).toContain('oracle_faucet_topups_total{outcome="sent"} 1');
    expect(text).toMatch(/oracle_transmitter_balance_wei 3000000000000000000/);
    expect(text).toContain('oracle_faucet_min_wei 1000000000000000000');
    const faucetBalance = await provider.getBalance(new Wallet(anvil.accounts[5]!.privateKey).address);
    expect(text).toContain(`oracle_faucet_balance_wei ${Number(faucetBalance)}`);

    const watcher = new Faucet({
      provider,
      target: Wallet.createRandom().address,
      minWei: 1n,
      topupWei: 1n,
      checkIntervalMs: 60_000,
      caps: gas,
      clock: systemClock,
      logger,
      metrics: new NodeMetrics(),
    });
    expect(await watcher.check()).toBe(0n);
  });
});
