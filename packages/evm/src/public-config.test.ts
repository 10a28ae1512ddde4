import { describe, expect, it } from 'vitest';
import { chainClassOf } from './chain-limits.js';
import { encodeOffchainConfig, type OffchainConfig } from './config-encoding.js';
import { GOLDEN_CONTRACT_CONFIG, GOLDEN_OFFCHAIN_CONFIG } from './fixtures/golden-config.js';
import { parsePublicConfig, type ContractConfig } from './public-config.js';

const S = 1_000_000_000n;

function withOffchain(
  patch: Partial<OffchainConfig>,
  contract: Partial<ContractConfig> = {},
): ContractConfig {
  return {
    ...GOLDEN_CONTRACT_CONFIG,
    encoded: encodeOffchainConfig({ ...GOLDEN_OFFCHAIN_CONFIG, ...patch }),
    ...contract,
  };
}

function errorOf(
  config: ContractConfig,
  chainId = 1337n,
  skipChainSpecificChecks = false,
): string | undefined {
  const result = parsePublicConfig(config, { chainId, skipChainSpecificChecks });
  return result.ok ? undefined : result.error;
}

const fastTimings = {
  deltaProgressNs: 3n * S,
  deltaResendNs: 2n * S,
  deltaRoundNs: 2n * S,
  deltaGraceNs: S,
  deltaStageNs: S,
  deltaCNs: 10n * S,
};

describe('parsePublicConfig', () => {
  it('accepts production timings on opBNB and lines up each oracle identity', () => {
    const result = parsePublicConfig(GOLDEN_CONTRACT_CONFIG, { chainId: 204n });
    if (!result.ok) throw new Error(result.error);
    expect(result.value.n).toBe(4);
    expect(result.value.f).toBe(1);
    expect(result.value.rMax).toBe(6);
    expect(result.value.oracles[2]).toEqual({
      signer: GOLDEN_CONTRACT_CONFIG.signers[2],
      transmitter: GOLDEN_CONTRACT_CONFIG.transmitters[2],
      offchainPublicKey: GOLDEN_OFFCHAIN_CONFIG.offchainPublicKeys[2],
      peerId: '12D3KooWC',
    });
  });

  it('ignores configs whose version is not 1 (e.g. the fork before setConsensusConfig)', () => {
    expect(errorOf({ ...GOLDEN_CONTRACT_CONFIG, encodedConfigVersion: 0n })).toMatch(
      /encodedConfigVersion 0/,
    );
  });

  it('requires every identity list to have n entries', () => {
    expect(errorOf(withOffchain({ peerIds: ['a', 'b', 'c'] }))).toMatch(/^peer ID list/);
    expect(errorOf(withOffchain({ offchainPublicKeys: [] }))).toMatch(/^offchain public keys list/);
    expect(errorOf({ ...GOLDEN_CONTRACT_CONFIG, transmitters: [] })).toMatch(/^transmitter address list/);
    const sse = { ...GOLDEN_OFFCHAIN_CONFIG.sharedSecretEncryptions, encryptions: [] };
    expect(errorOf(withOffchain({ sharedSecretEncryptions: sse }))).toMatch(
      /^shared-secret encryptions list/,
    );
  });

  it('applies the protocol bounds', () => {
    expect(errorOf(withOffchain({ deltaCNs: -1n }))).toMatch(/DeltaC .* non-negative/);
    expect(errorOf(withOffchain({ deltaGraceNs: -1n }))).toMatch(/DeltaGrace .* non-negative/);
    expect(errorOf(withOffchain({ deltaGraceNs: 30n * S }))).toMatch(
      /DeltaGrace must be less than DeltaRound/,
    );
    expect(errorOf(withOffchain({ deltaRoundNs: 35n * S }))).toMatch(
      /DeltaRound must be less than DeltaProgress/,
    );
    expect(errorOf(withOffchain({ rMax: 0 }))).toMatch(/RMax/);
    expect(errorOf(withOffchain({ rMax: 255 }))).toMatch(/RMax/);
    expect(errorOf(withOffchain({ s: [1, 32] }))).toMatch(/S\[1\]/);
    expect(errorOf({ ...GOLDEN_CONTRACT_CONFIG, threshold: 2 })).toMatch(/less than N\/3/);
  });

  it('enforces chain-class minimums unless told to skip them', () => {
    const fast = withOffchain(fastTimings);
    expect(chainClassOf(31337n)).toBe('slow');
    expect(errorOf(fast, 31337n)).toMatch(/DeltaC .* on chain 31337 \(slow class\)/);
    expect(errorOf(fast, 204n)).toMatch(/slow class/);
    expect(errorOf(fast, 56n)).toMatch(/DeltaStage .* \(fast class\)/);
    expect(errorOf(fast, 31337n, true)).toBeUndefined();
    expect(errorOf(fast, 1337n)).toBeUndefined();
    expect(errorOf(fast, 7418n)).toBeUndefined();
  });
});
