/**
 * One DON, end to end, from real parts (see local-don.ts): 1 bootstrap node and 4 oracles as
 * child processes of dist/main.js, anvil, PostgreSQL, the price aggregator in front of the fake
 * exchange, the feed on Super Protocol's aggregator flavour behind a proxy. The scenarios run in
 * order on the same network: first answer, a round requested with requestNewRound (read through the
 * proxy), a killed and restarted oracle, replayed and unauthorised transmits, a crash between
 * signing and transmitting, a PostgreSQL restart under load, and a new setConfig (by the
 * confidential admin) that swaps an oracle, without restarts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { concat, dataSlice, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aggregatorProxyAt,
  encodeReport,
  encodeTransmitCalldata,
  ocr1AggregatorInterface,
  recoverReportSigner,
  signReport,
  superProtocolAggregatorAt,
  transmitArgs,
} from '@oracle/evm';
import { waitFor } from '@oracle/testing';
import { readKeystorePassword } from '../../src/keys/keystore-password.js';
import { loadNodeKeys, nodeKeyPaths, type NodeKeys } from '../../src/keys/node-keys.js';
import { LocalDon, type PublicKeys } from './local-don.js';

const FEED = 'BTC / USD';
const PAIR = 'BTC/USD';
/** The answer for a price: 8 decimals, truncated. */
const answerOf = (price: string): bigint => {
  const [whole, fraction = ''] = price.split('.');
  return BigInt(whole + fraction.padEnd(8, '0').slice(0, 8));
};

let don: LocalDon;
const keysByNode = new Map<number, NodeKeys>();

async function nodeKeys(index: number): Promise<NodeKeys> {
  let keys = keysByNode.get(index);
  if (!keys) {
    const paths = nodeKeyPaths(don.secretsDir, index);
    keys = await loadNodeKeys(paths, await readKeystorePassword(paths.keystorePasswordFile));
    keysByNode.set(index, keys);
  }
  return keys;
}

const publicKeys = (index: number): PublicKeys => {
  const keys = don.keys.find((k) => k.node === index);
  if (!keys) throw new Error(`no keys for node ${index}`);
  return keys;
};

/** The signer addresses of a transmit transaction, recovered like the contract does. */
async function signersOf(txHash: string): Promise<string[]> {
  const tx = await don.provider.getTransaction(txHash);
  const [report, rs, ss, rawVs] = ocr1AggregatorInterface.decodeFunctionData('transmit', tx?.data ?? '0x');
  return (rs as string[]).map(
    (r, i) =>
      recoverReportSigner(
        report as string,
        concat([r, (ss as string[])[i] as string, dataSlice(rawVs as string, i, i + 1)]),
      ) ?? 'invalid',
  );
}

/** Moves the price and waits for the contract's answer to follow. */
async function expectAnswer(price: string, timeoutMs = 25_000): Promise<void> {
  don.setPrice(PAIR, price);
  await waitFor(async () => (await don.latestRoundData(FEED)).answer === answerOf(price), {
    timeoutMs,
    what: `the on-chain answer ${price}`,
  });
}

beforeAll(async () => {
  don = await LocalDon.start({
    totalNodes: 6,
    feeds: [{ name: FEED, pair: PAIR, decimals: 8 }],
    prices: { [PAIR]: '65000.123456789' },
  });
  await don.startAggregator();
  await don.deploy();
  await don.setConfig([2, 3, 4, 5]);
  await Promise.all([1, 2, 3, 4, 5].map((i) => don.startNode(i)));
});

afterAll(async () => {
  // DON_LOG_DIR=<dir> keeps every node's output for a look afterwards.
  const logDir = process.env.DON_LOG_DIR;
  if (logDir && don) {
    await mkdir(logDir, { recursive: true });
    for (const node of don.nodes.values())
      await writeFile(join(logDir, `node-${node.index}.log`), node.output());
  }
  await don?.stop();
});

describe('a DON of 1 bootstrap node and 4 oracles', () => {
  it('reaches an on-chain answer equal to the median of the observations', async () => {
    const round = await waitFor(
      async () => {
        const data = await don.latestRoundData(FEED);
        return data.answer !== 0n && data;
      },
      { timeoutMs: 30_000, what: 'the first answer' },
    );
    expect(round.answer).toBe(6_500_012_345_678n);
    const [first] = await don.transmissions(FEED);
    expect(first).toBeDefined();
    const observations = first!.observations;
    expect(observations.length).toBeGreaterThanOrEqual(3);
    expect(observations.every((o) => o === 6_500_012_345_678n)).toBe(true);
    expect(first!.answer).toBe(observations[Math.floor(observations.length / 2)]);
    expect(new Set(first!.observers).size).toBe(first!.observers.length);
    const oracleSigners = [2, 3, 4, 5].map((i) => publicKeys(i).onchainSigningAddress);
    const signers = await signersOf(first!.txHash);
    expect(signers.length).toBe(2);
    for (const signer of signers) expect(oracleSigners).toContain(signer);
    const transmitters = [2, 3, 4, 5].map((i) => publicKeys(i).transmitterAddress.toLowerCase());
    expect(transmitters).toContain(first!.transmitter.toLowerCase());

    for (const i of [1, 2, 3, 4, 5]) {
      await waitFor(async () => (await don.node(i).health()).status === 200, { what: `node ${i} healthy` });
    }
    const bootstrap = await don.node(1).status();
    expect(bootstrap.transmitter).toBeUndefined();
    expect(bootstrap.feeds[0]?.instance).toBeUndefined();
    expect(bootstrap.feeds[0]?.configDigest).toMatch(/^0x[0-9a-f]{32}$/);
    const oracle = await don.node(2).status();
    expect(oracle.feeds[0]?.oracleId).toBe(0);
    expect(oracle.feeds[0]?.instance?.epoch).toBeGreaterThanOrEqual(1);
    // The faucet funded every transmitter once, and never the bootstrap node.
    for (const i of [2, 3, 4, 5])
      expect(await don.node(i).metric('oracle_faucet_topups_total', { outcome: 'sent' })).toBe(1);
    expect(await don.node(1).metric('oracle_faucet_topups_total')).toBe(0);
    expect(
      don
        .node(2)
        .logs()
        .some((l) => l.msg === 'Topped up the transmitter from the faucet'),
    ).toBe(true);
    const confirmed = await Promise.all(
      [2, 3, 4, 5].map((i) => don.node(i).metric('oracle_transmissions_total', { outcome: 'confirmed' })),
    );
    expect(confirmed.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(await don.node(2).metric('oracle_p2p_messages_received_total')).toBeGreaterThan(0);
  });

  it('reports on requestNewRound without deviation or heartbeat; consumers read it through the proxy', async () => {
    // The contract is Super Protocol's flavour: node 1's account, appointed admin, set the oracles.
    const aggregator = superProtocolAggregatorAt(don.contract(FEED), don.provider);
    expect(await aggregator.adminCertificateHelper()).toMatch(/^0x[0-9a-fA-F]{40}$/);
    const owner = new Wallet(don.anvil.accounts[0]?.privateKey as string, don.provider);
    const latest = await don.transmissions(FEED);
    const request = await (await aggregator.connect(owner).requestNewRound()).wait();
    const fromBlock = (request?.blockNumber ?? 0) + 1;
    await waitFor(async () => (await don.transmissions(FEED, fromBlock)).length > 0, {
      timeoutMs: 20_000,
      what: 'a report after requestNewRound',
    });
    const [requested] = await don.transmissions(FEED, fromBlock);
    // The price has not moved (deviation 1 %, heartbeat 1 h): the request is the reason.
    expect(requested?.answer).toBe(latest.at(-1)?.answer);
    const decisions = [2, 3, 4, 5].flatMap((i) =>
      don
        .node(i)
        .logs()
        .filter((l) => l.msg === 'Decided whether to report'),
    );
    expect(decisions.some((l) => l.reasons === 'requested')).toBe(true);
    // Through the proxy: the same answer, the round id carrying phase 1.
    const direct = await don.aggregatorRoundData(FEED);
    const through = await don.latestRoundData(FEED);
    expect(through).toEqual({ ...direct, roundId: (1n << 64n) | direct.roundId });
    expect(await aggregatorProxyAt(don.proxy(FEED), don.provider).aggregator()).toBe(don.contract(FEED));
  });

  it('keeps updating with one oracle killed, and the restarted oracle rejoins', async () => {
    await don.node(5).kill();
    await expectAnswer('66000.5');
    await expectAnswer('66800');
    const restarted = don.node(5);
    await restarted.start();
    await waitFor(async () => (await restarted.health()).status === 200, {
      timeoutMs: 20_000,
      what: 'node 5 healthy again',
    });
    let price = 67_000;
    await waitFor(
      async () => {
        price += 1_000;
        await expectAnswer(String(price));
        return (await restarted.metric('oracle_reports_signed_total')) > 0;
      },
      { timeoutMs: 60_000, intervalMs: 0, what: 'the restarted oracle to sign a report' },
    );
  });

  it('reverts a replayed old report and a transmit from an unauthorised account', async () => {
    const [old] = await don.transmissions(FEED);
    const oldTx = await don.provider.getTransaction(old!.txHash);
    const contract = don.contract(FEED);
    const transmitterNode = [2, 3, 4, 5].find(
      (i) => publicKeys(i).transmitterAddress.toLowerCase() === oldTx?.from.toLowerCase(),
    ) as number;
    const transmitter = new Wallet(
      (await nodeKeys(transmitterNode)).oracle.reveal().transmitterPrivateKey,
      don.provider,
    );
    await expect(
      don.provider.call({ from: transmitter.address, to: contract, data: oldTx!.data }),
    ).rejects.toThrow(/stale report/);
    const replay = await transmitter.sendTransaction({ to: contract, data: oldTx!.data, gasLimit: 500_000 });
    expect((await replay.wait().catch((e: { receipt?: { status: number } }) => e.receipt))?.status).toBe(0);

    // A fresh, correctly signed report for a later round: only the sender is wrong.
    const latest = await don.provider.call({
      from: transmitter.address,
      to: contract,
      data: ocr1AggregatorInterface.encodeFunctionData('latestTransmissionDetails'),
    });
    const [digest, epoch] = ocr1AggregatorInterface.decodeFunctionResult('latestTransmissionDetails', latest);
    const context = { configDigest: digest as string, epoch: Number(epoch) + 100, round: 1 };
    const observations = [0, 1, 2].map((observer) => ({ observer, value: 7_000_000_000_000n }));
    const report = encodeReport(context, observations);
    const signatures = await Promise.all(
      [2, 3].map(async (i) => signReport(report, (await nodeKeys(i)).oracle.reveal().onchainSigningKey)),
    );
    const data = encodeTransmitCalldata(transmitArgs(report, signatures));
    const stranger = new Wallet(don.anvil.accounts[9]?.privateKey as string, don.provider);
    await expect(don.provider.call({ from: stranger.address, to: contract, data })).rejects.toThrow(
      /unauthorized transmitter/,
    );
    const sent = await stranger.sendTransaction({ to: contract, data, gasLimit: 500_000 });
    expect((await sent.wait().catch((e: { receipt?: { status: number } }) => e.receipt))?.status).toBe(0);
    // The same calldata from a registered transmitter would have been accepted.
    await expect(don.provider.call({ from: transmitter.address, to: contract, data })).resolves.toBe('0x');
  });

  it('never signs a conflicting report after a crash between signing and transmitting', async () => {
    const victim = don.node(3);
    interface Signed {
      digest: Buffer;
      epoch: string;
      round: number;
    }
    const highest = async (): Promise<Signed | undefined> =>
      (await don.query<Signed>(3, 'SELECT config_digest AS digest, epoch, round FROM ocr_highest_signed'))[0];
    const pendingRows = () =>
      don.query<{ epoch: string; round: number }>(3, 'SELECT epoch, round FROM ocr_pending_transmissions');
    const start = await highest();
    // Move the price until node 3 has signed a report it still has to transmit, then kill it at once.
    let price = 80_000;
    let killedAt: Signed | undefined;
    const deadline = Date.now() + 60_000;
    while (!killedAt && Date.now() < deadline) {
      price += 1_500;
      don.setPrice(PAIR, String(price));
      const until = Date.now() + 3_000;
      while (Date.now() < until) {
        const [now, pending] = await Promise.all([highest(), pendingRows()]);
        const advanced = now && (!start || now.epoch !== start.epoch || now.round !== start.round);
        if (advanced && pending.some((p) => p.epoch === now.epoch && p.round === now.round)) {
          await victim.kill();
          killedAt = now;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    expect(killedAt).toBeDefined();
    const afterKill = (await highest()) as Signed;
    await victim.start();
    // Its pending transmission is restored and settled: sent, or dropped because the chain has moved on.
    await waitFor(
      async () =>
        (await pendingRows()).every((p) => p.epoch !== afterKill.epoch || p.round !== afterKill.round),
      {
        timeoutMs: 20_000,
        what: 'the restored pending transmission to settle',
      },
    );
    let moved = price;
    await waitFor(
      async () => {
        moved += 1_500;
        await expectAnswer(String(moved));
        const now = (await highest()) as Signed;
        return Number(now.epoch) * 256 + now.round > Number(afterKill.epoch) * 256 + afterKill.round;
      },
      { timeoutMs: 60_000, intervalMs: 0, what: 'node 3 to sign again, above its guard' },
    );
    // Reports node 3 signed before the crash (at or below its guard) may still land on chain after
    // the restart, sent by another oracle's later transmission stage, so the chain cannot tell old
    // signatures from new ones. The store can: its guard only ever moved forward, past the crash.
    const guard = Number(afterKill.epoch) * 256 + afterKill.round;
    const heights = await don.query<{ epoch: string; round: number }>(
      3,
      'SELECT epoch, round FROM ocr_highest_signed',
    );
    expect(Number(heights[0]?.epoch) * 256 + (heights[0]?.round ?? 0)).toBeGreaterThan(guard);
  });

  it('recovers from a PostgreSQL restart under load', async () => {
    const pids = [1, 2, 3, 4, 5].map((i) => don.node(i).pid);
    don.setPrice(PAIR, '90000');
    await don.postgres.restart();
    await expectAnswer('91500', 40_000);
    await expectAnswer('93000');
    expect([1, 2, 3, 4, 5].map((i) => don.node(i).pid)).toEqual(pids);
    for (const i of [1, 2, 3, 4, 5]) {
      await waitFor(async () => (await don.node(i).health()).body.checks.database?.ok, {
        timeoutMs: 30_000,
        what: `node ${i} to see its database again`,
      });
    }
  });

  it('picks up a new setConfig that replaces an oracle, without restarting any node', async () => {
    const newcomer = await don.startNode(6);
    await waitFor(async () => (await newcomer.status()).feeds[0]?.configDigest, {
      what: 'node 6 to see the config',
    });
    const before = await newcomer.status();
    expect(before.feeds[0]?.oracleId).toBeUndefined();
    const pids = [1, 2, 3, 4, 5].map((i) => don.node(i).pid);
    const [result] = await don.setConfig([2, 3, 4, 6]);
    expect(result?.status).toBe('set');
    const digest = result?.configDigest as string;
    expect(digest).not.toBe(before.feeds[0]?.configDigest);
    await waitFor(
      async () => {
        const statuses = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => don.node(i).status()));
        return statuses.every((s) => s.feeds[0]?.configDigest === digest);
      },
      { timeoutMs: 20_000, what: 'every node to follow the new config' },
    );
    expect((await newcomer.status()).feeds[0]?.oracleId).toBe(3);
    expect((await don.node(5).status()).feeds[0]?.instance).toBeUndefined();
    const fromBlock = await don.provider.getBlockNumber();
    await expectAnswer('95000', 40_000);
    const reports = await don.transmissions(FEED, fromBlock);
    expect(reports.at(-1)?.context.configDigest).toBe(digest);
    const allowed = [2, 3, 4, 6].map((i) => publicKeys(i).onchainSigningAddress);
    for (const s of await signersOf(reports.at(-1)!.txHash)) expect(allowed).toContain(s);
    expect([1, 2, 3, 4, 5].map((i) => don.node(i).pid)).toEqual(pids);
    // Setting the same oracles again changes nothing.
    expect((await don.setConfig([2, 3, 4, 6]))[0]?.status).toBe('unchanged');
  });
});
