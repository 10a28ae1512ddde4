import { describe, expect, it } from 'vitest';
import { configDigest } from './config-digest.js';
import {
  GOLDEN_CONFIG_DIGEST,
  GOLDEN_CONTRACT_ADDRESS,
  GOLDEN_CONTRACT_CONFIG,
} from './fixtures/golden-config.js';

describe('configDigest', () => {
  it('matches the golden digest (checked against the contract in the integration test)', () => {
    expect(configDigest(GOLDEN_CONTRACT_ADDRESS, 1n, GOLDEN_CONTRACT_CONFIG)).toBe(GOLDEN_CONFIG_DIGEST);
  });

  it('changes with every input: address, count, oracles, threshold, version, encoded', () => {
    const digests = new Set([
      GOLDEN_CONFIG_DIGEST,
      configDigest('0x' + '99'.repeat(20), 1n, GOLDEN_CONTRACT_CONFIG),
      configDigest(GOLDEN_CONTRACT_ADDRESS, 2n, GOLDEN_CONTRACT_CONFIG),
      configDigest(GOLDEN_CONTRACT_ADDRESS, 1n, {
        ...GOLDEN_CONTRACT_CONFIG,
        signers: [...GOLDEN_CONTRACT_CONFIG.signers].reverse(),
      }),
      configDigest(GOLDEN_CONTRACT_ADDRESS, 1n, {
        ...GOLDEN_CONTRACT_CONFIG,
        transmitters: [...GOLDEN_CONTRACT_CONFIG.transmitters].reverse(),
      }),
      configDigest(GOLDEN_CONTRACT_ADDRESS, 1n, { ...GOLDEN_CONTRACT_CONFIG, threshold: 0 }),
      configDigest(GOLDEN_CONTRACT_ADDRESS, 1n, { ...GOLDEN_CONTRACT_CONFIG, encodedConfigVersion: 2n }),
      configDigest(GOLDEN_CONTRACT_ADDRESS, 1n, { ...GOLDEN_CONTRACT_CONFIG, encoded: '0x00' }),
    ]);
    expect(digests.size).toBe(8);
    for (const d of digests) expect(d).toMatch(/^0x[0-9a-f]{32}$/);
  });
});
