import { describe, expect, it } from 'vitest';
import { LIVENESS_GAP_MS, runSeeds } from './seeds.js';

describe('simulation: byzantine oracles', () => {
  it('tolerate f liars that send garbage, corrupt signatures, spam epochs and equivocate', () => {
    const traits = ['lie', 'malformed', 'badSignatures', 'equivocate', 'epochSpam'] as const;
    const runs = runSeeds(
      {
        n: 4,
        f: 1,
        durationMs: 60_000,
        byzantine: [{ id: 3, traits }],
        network: { dropRate: 0.02, duplicateRate: 0.02, minDelayMs: 5, maxDelayMs: 100 },
        livenessGapMs: LIVENESS_GAP_MS,
      },
      20,
    );
    expect(runs.failures).toEqual([]);
    expect(runs.accepted).toBeGreaterThan(20 * 5);
    expect(runs.results.every((r) => r.stats.malformedReceived > 0)).toBe(true);
  });

  it('tolerate two colluding liars among seven', () => {
    const runs = runSeeds(
      {
        n: 7,
        f: 2,
        durationMs: 60_000,
        byzantine: [
          { id: 2, traits: ['lie', 'equivocate', 'replay'] },
          { id: 6, traits: ['lie', 'badSignatures', 'malformed'] },
        ],
        livenessGapMs: LIVENESS_GAP_MS,
      },
      8,
    );
    expect(runs.failures).toEqual([]);
    expect(runs.accepted).toBeGreaterThan(8 * 5);
  });

  it('never let an equivocating leader get two reports for one round on-chain, nor an outlier median', () => {
    // alpha 0: honest followers sign whatever valid list they get, the easiest case for the attacker.
    const runs = runSeeds(
      {
        n: 4,
        f: 1,
        durationMs: 60_000,
        byzantine: [{ id: 0, traits: ['equivocate', 'lie'] }],
        config: { alphaPpb: 0n },
      },
      12,
    );
    expect(runs.failures).toEqual([]);
    expect(runs.accepted).toBeGreaterThan(12 * 10);
  });
});
