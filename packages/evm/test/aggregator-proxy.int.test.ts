/**
 * Our AggregatorProxy (EACAggregatorProxy-compatible) on anvil, in front of stock-flavour
 * aggregators with real transmissions: forwarded reads, phase ids in round ids, the two-step
 * aggregator switch, and a consumer contract reading through it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wallet, type Contract } from 'ethers';
import {
  configDigest,
  deployAggregator,
  deployAggregatorProxy,
  encodeOffchainConfig,
  encodeReport,
  ENCODED_CONFIG_VERSION,
  signReport,
  transmitArgs,
  type AggregatorProxyContract,
  type ContractConfig,
  type OffchainAggregatorContract,
} from '@oracle/evm';
import { sampleDon } from '../src/fixtures/sample-config.js';
import {
  buildContracts,
  compileTestContracts,
  deploy,
  revertReason,
  startChain,
  type Chain,
} from './chain.js';

const don = sampleDon('proxy-int');
const PHASE = 2n ** 64n;

let chain: Chain;
let first: OffchainAggregatorContract;
let second: OffchainAggregatorContract;
let proxy: AggregatorProxyContract;

/** A stock-flavour aggregator configured with the sample DON, with one transmission per answer. */
async function aggregatorWith(
  description: string,
  answers: readonly bigint[],
): Promise<OffchainAggregatorContract> {
  const owner = chain.wallet(0);
  const aggregator = await deployAggregator(owner, {
    minAnswer: 1n,
    maxAnswer: 10n ** 20n,
    decimals: 8,
    description,
  });
  const address = await aggregator.getAddress();
  const config: ContractConfig = {
    signers: don.keys.map((k) => k.onchainSigningAddress),
    transmitters: don.keys.map((k) => k.transmitterAddress),
    threshold: 1,
    encodedConfigVersion: ENCODED_CONFIG_VERSION,
    encoded: encodeOffchainConfig(don.offchainConfig),
  };
  await (await aggregator.setPayees([...config.transmitters], [...config.transmitters])).wait();
  await (
    await aggregator.setConfig(
      [...config.signers],
      [...config.transmitters],
      1,
      config.encodedConfigVersion,
      config.encoded,
    )
  ).wait();
  const digest = configDigest(address, 1n, config);
  const transmitter = new Wallet(don.keys[0]!.reveal().transmitterPrivateKey, chain.provider);
  for (const [i, answer] of answers.entries()) {
    const report = encodeReport({ configDigest: digest, epoch: 1, round: i + 1 }, [
      { observer: 0, value: answer },
      { observer: 1, value: answer },
      { observer: 2, value: answer },
    ]);
    const args = transmitArgs(
      report,
      [1, 2].map((k) => signReport(report, don.keys[k]!.reveal().onchainSigningKey)),
    );
    await (
      await aggregator.connect(transmitter).transmit(args.report, [...args.rs], [...args.ss], args.rawVs)
    ).wait();
  }
  return aggregator;
}

beforeAll(async () => {
  buildContracts();
  chain = await startChain();
  await (
    await chain.wallet(0).sendTransaction({ to: don.keys[0]!.transmitterAddress, value: 10n ** 19n })
  ).wait();
  first = await aggregatorWith('BTC / USD', [100n, 110n]);
  second = await aggregatorWith('BTC / USD v2', [200n]);
  proxy = await deployAggregatorProxy(chain.wallet(0), await first.getAddress());
});

afterAll(async () => {
  await chain?.anvil.stop();
});

describe('AggregatorProxy', () => {
  it('forwards the reads of its aggregator, round ids carrying phase 1', async () => {
    const direct = await first.latestRoundData();
    const through = await proxy.latestRoundData();
    expect(await proxy.phaseId()).toBe(1n);
    expect(await proxy.aggregator()).toBe(await first.getAddress());
    expect([...through]).toEqual([
      PHASE + direct.roundId,
      direct.answer,
      direct.startedAt,
      direct.updatedAt,
      PHASE + direct.answeredInRound,
    ]);
    expect(through.roundId).toBe(PHASE | 2n);
    expect([...(await proxy.getRoundData(PHASE | 1n))]).toEqual([
      PHASE | 1n,
      100n,
      ...[...(await first.getRoundData(1))].slice(2, 4),
      PHASE | 1n,
    ]);
    expect(await proxy.latestAnswer()).toBe(110n);
    expect(await proxy.latestTimestamp()).toBe(await first.latestTimestamp());
    expect(await proxy.latestRound()).toBe(PHASE | 2n);
    expect(await proxy.getAnswer(PHASE | 1n)).toBe(100n);
    expect(await proxy.getTimestamp(PHASE | 1n)).toBe(await first.getTimestamp(1));
    expect(await proxy.getAnswer(2n ** 80n)).toBe(0n);
    expect(await proxy.getAnswer(5n * PHASE + 1n)).toBe(0n);
    expect(await revertReason(proxy.getRoundData(5n * PHASE + 1n))).toBe('No data present');
    expect(await proxy.decimals()).toBe(8n);
    expect(await proxy.description()).toBe('BTC / USD');
    expect(await proxy.version()).toBe(4n);
  });

  it('switches aggregators in two owner-only steps; old rounds stay readable under their phase', async () => {
    const secondAddress = await second.getAddress();
    expect(await revertReason(proxy.proposedLatestRoundData())).toBe('No proposed aggregator present');
    expect(
      await revertReason(proxy.connect(chain.wallet(1)).proposeAggregator.staticCall(secondAddress)),
    ).toBe('Only callable by owner');
    await (await proxy.proposeAggregator(secondAddress)).wait();
    expect(await proxy.proposedAggregator()).toBe(secondAddress);
    expect((await proxy.proposedLatestRoundData()).answer).toBe(200n);
    expect((await proxy.proposedGetRoundData(1)).answer).toBe(200n);
    // Still phase 1 until confirmed.
    expect((await proxy.latestRoundData()).answer).toBe(110n);
    expect(await revertReason(proxy.confirmAggregator.staticCall(await first.getAddress()))).toBe(
      'Invalid proposed aggregator',
    );
    await (await proxy.confirmAggregator(secondAddress)).wait();

    expect(await proxy.phaseId()).toBe(2n);
    expect(await proxy.aggregator()).toBe(secondAddress);
    expect(await proxy.proposedAggregator()).toBe('0x0000000000000000000000000000000000000000');
    expect(await proxy.phaseAggregators(1)).toBe(await first.getAddress());
    expect(await proxy.phaseAggregators(2)).toBe(secondAddress);
    const latest = await proxy.latestRoundData();
    expect(latest.roundId).toBe(2n * PHASE + 1n);
    expect(latest.answer).toBe(200n);
    expect(await proxy.description()).toBe('BTC / USD v2');
    expect((await proxy.getRoundData(PHASE | 2n)).answer).toBe(110n);
    expect(await proxy.getAnswer(PHASE | 1n)).toBe(100n);
  });

  it('is what a consumer contract reads', async () => {
    const { AggregatorConsumer } = await compileTestContracts();
    if (!AggregatorConsumer) throw new Error('consumer not compiled');
    const consumer = (await deploy(
      AggregatorConsumer,
      chain.wallet(0),
      await proxy.getAddress(),
    )) as Contract & {
      latestPrice: () => Promise<[bigint, bigint, bigint]>;
    };
    const [answer, updatedAt, decimals] = await consumer.latestPrice();
    expect(answer).toBe(200n);
    expect(updatedAt).toBe(await second.latestTimestamp());
    expect(decimals).toBe(8n);
  });
});
