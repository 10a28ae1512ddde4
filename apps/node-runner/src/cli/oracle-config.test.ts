import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeOffchainConfig,
  decryptSharedSecret,
  generateOracleKeys,
  parsePublicConfig,
  type ConfigSetEvent,
  type ContractConfig,
} from '@oracle/evm';
import {
  buildContractConfig,
  configDifferences,
  sameContractConfig,
  transmissionSchedule,
} from './oracle-config.js';

const keys = Array.from({ length: 4 }, () => generateOracleKeys((n) => new Uint8Array(randomBytes(n))));
const oracles = keys.map((k, i) => ({ ...k.publicKeys(), peerId: `12D3KooWPeer${i}` }));
const params = {
  oracles,
  f: 1,
  deltaProgressMs: 35_000,
  deltaResendMs: 17_000,
  deltaRoundMs: 30_000,
  deltaGraceMs: 12_000,
  deltaStageMs: 60_000,
  rMax: 6,
  heartbeatSeconds: 86_400,
  deviationPpb: 5_000_000,
};
const asEvent = (c: ContractConfig): ConfigSetEvent => ({
  ...c,
  previousConfigBlockNumber: 0,
  configCount: 1n,
});

describe('the admin CLI config builder', () => {
  it('derives S = [1, f, n - 1 - f]', () => {
    expect(transmissionSchedule(4, 1)).toEqual([1, 1, 2]);
    expect(transmissionSchedule(7, 2)).toEqual([1, 2, 4]);
    expect(transmissionSchedule(31, 10)).toEqual([1, 10, 20]);
  });

  it('builds a config every oracle can use: nanoseconds on chain, a secret each can decrypt', () => {
    const config = buildContractConfig(params);
    expect(config.threshold).toBe(1);
    expect(config.signers).toEqual(keys.map((k) => k.onchainSigningAddress));
    const parsed = parsePublicConfig(config, { chainId: 204n });
    expect(parsed.ok).toBe(true);
    const pc = parsed.ok ? parsed.value : undefined;
    expect(pc?.deltaRoundNs).toBe(30_000_000_000n);
    expect(pc?.deltaCNs).toBe(86_400_000_000_000n);
    expect(pc?.alphaPpb).toBe(5_000_000n);
    expect(pc?.s).toEqual([1, 1, 2]);
    const secrets = keys.map((k, i) =>
      decryptSharedSecret(pc!.sharedSecretEncryptions, i, k.reveal().configPrivateKey),
    );
    expect(secrets.every((s) => s.ok)).toBe(true);
    expect(new Set(secrets.map((s) => (s.ok ? s.value : ''))).size).toBe(1);
  });

  it('refuses an f the oracles cannot carry', () => {
    expect(() => buildContractConfig({ ...params, f: 2 })).toThrow(/3f < n/);
  });

  it('treats configs differing only in their shared secret as equal, and any parameter as a change', () => {
    const first = buildContractConfig(params);
    const second = buildContractConfig(params);
    expect(decodeOffchainConfig(first.encoded)).not.toEqual(decodeOffchainConfig(second.encoded));
    expect(sameContractConfig(asEvent(first), second)).toBe(true);
    expect(sameContractConfig(asEvent(first), buildContractConfig({ ...params, deviationPpb: 1 }))).toBe(
      false,
    );
    expect(
      sameContractConfig(asEvent(first), buildContractConfig({ ...params, oracles: [...oracles].reverse() })),
    ).toBe(false);
  });
});

describe('configDifferences', () => {
  it("tells the owner's part (timings) from the admin's part (oracles)", () => {
    const first = buildContractConfig(params);
    expect(configDifferences(first, buildContractConfig(params))).toEqual({ oracles: false, timings: false });
    expect(configDifferences(first, buildContractConfig({ ...params, heartbeatSeconds: 3_600 }))).toEqual({
      oracles: false,
      timings: true,
    });
    expect(
      configDifferences(first, buildContractConfig({ ...params, oracles: [...oracles].reverse() })),
    ).toEqual({ oracles: true, timings: false });
    // What a Super Protocol contract publishes before setConsensusConfig: version 0, zero timings.
    expect(configDifferences({ ...first, encodedConfigVersion: 0n }, first)).toEqual({
      oracles: false,
      timings: true,
    });
    expect(configDifferences({ ...first, encoded: '0x1234' }, first)).toEqual({
      oracles: true,
      timings: true,
    });
  });
});
