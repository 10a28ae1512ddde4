import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCODED_CONFIG_VERSION, deployAggregator, encodeOffchainConfig } from '@oracle/evm';
import {
  GOLDEN_CONFIG_DIGEST,
  GOLDEN_CONTRACT_ADDRESS,
  GOLDEN_CONTRACT_CONFIG,
  GOLDEN_ENCODED,
  GOLDEN_OFFCHAIN_CONFIG,
} from '../src/fixtures/golden-config.js';
import { buildContracts, compileTestContracts, deploy, startChain, type Chain } from './chain.js';

let chain: Chain;
beforeAll(async () => {
  buildContracts();
  chain = await startChain();
});
afterAll(async () => {
  await chain?.anvil.stop();
});

describe('golden vectors against Solidity', () => {
  it('the contract computes the golden config digest (unit test constant)', async () => {
    const owner = chain.wallet(0);
    expect(await owner.getNonce()).toBe(0);
    const aggregator = await deployAggregator(owner, {
      minAnswer: 1n,
      maxAnswer: 10n ** 30n,
      decimals: 8,
      description: 'GOLDEN',
    });
    expect(await aggregator.getAddress()).toBe(GOLDEN_CONTRACT_ADDRESS);
    const c = GOLDEN_CONTRACT_CONFIG;
    await (await aggregator.setPayees([...c.transmitters], [...c.transmitters])).wait();
    await (
      await aggregator.setConfig(
        [...c.signers],
        [...c.transmitters],
        c.threshold,
        ENCODED_CONFIG_VERSION,
        c.encoded,
      )
    ).wait();
    const details = await aggregator.latestConfigDetails();
    expect(details.configCount).toBe(1n);
    expect(details.configDigest).toBe(GOLDEN_CONFIG_DIGEST);
  });

  it('Solidity abi.encode of the config struct equals our golden encoding', async () => {
    const { ConfigEncoder } = await compileTestContracts();
    if (!ConfigEncoder) throw new Error('ConfigEncoder not compiled');
    const encoder = await deploy(ConfigEncoder, chain.wallet(0));
    const g = GOLDEN_OFFCHAIN_CONFIG;
    const sse = g.sharedSecretEncryptions;
    const solidity = await encoder
      .getFunction('encode')
      .staticCall([
        g.deltaProgressNs,
        g.deltaResendNs,
        g.deltaRoundNs,
        g.deltaGraceNs,
        g.deltaCNs,
        g.alphaPpb,
        g.deltaStageNs,
        g.rMax,
        g.s,
        g.offchainPublicKeys,
        g.peerIds.join(','),
        [sse.diffieHellmanPoint, sse.sharedSecretHash, sse.encryptions],
      ]);
    expect(solidity).toBe(GOLDEN_ENCODED);
    expect(encodeOffchainConfig(g)).toBe(solidity);
  });
});
