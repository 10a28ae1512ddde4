import { describe, expect, it } from 'vitest';
import { LIVENESS_GAP_MS, runSeeds } from './seeds.js';

describe('simulation: real OCR1 signatures (packages/evm)', () => {
  it('reaches the chain with Ed25519 observations and secp256k1 reports the contract recovers', () => {
    const runs = runSeeds(
      {
        n: 4,
        f: 1,
        durationMs: 20_000,
        crypto: 'evm',
        byzantine: [{ id: 1, traits: ['lie', 'badSignatures', 'equivocate'] }],
        livenessGapMs: LIVENESS_GAP_MS,
      },
      3,
    );
    expect(runs.failures).toEqual([]);
    expect(runs.results.every((r) => r.stats.accepted >= 3)).toBe(true);
  });
});
