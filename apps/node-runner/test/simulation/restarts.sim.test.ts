import { describe, expect, it } from 'vitest';
import type { Scenario } from './simulation.js';
import { LIVENESS_GAP_MS, runSeeds } from './seeds.js';

describe('simulation: crashes, restarts and partitions', () => {
  it('keep every invariant through restarts, partitions, a bad network and chain timeouts, and recover after', () => {
    const runs = runSeeds(
      {
        n: 4,
        f: 1,
        durationMs: 70_000,
        faultsEndMs: 45_000,
        restarts: { everyMs: [1_000, 4_000], downMs: [200, 3_000] },
        partitions: { everyMs: [2_000, 8_000], lastingMs: [500, 4_000] },
        network: { dropRate: 0.1, duplicateRate: 0.1, minDelayMs: 5, maxDelayMs: 300 },
        chainReadTimeoutRate: 0.05,
        livenessGapMs: LIVENESS_GAP_MS,
      },
      20,
    );
    expect(runs.failures).toEqual([]);
    expect(runs.accepted).toBeGreaterThan(20 * 5);
  });

  // A byzantine leader replays earlier rounds to every follower that (re)announces itself, with a
  // different ReportReq. alpha 0 makes honest followers sign whenever they may.
  const replayAttack: Omit<Scenario, 'seed'> = {
    n: 4,
    f: 1,
    durationMs: 60_000,
    config: { alphaPpb: 0n },
    byzantine: [{ id: 0, traits: ['replay'] }],
    restarts: { everyMs: [1_000, 3_000], downMs: [100, 600] },
  };

  it('never sign twice for one round across restarts, thanks to the persisted signing guard', () => {
    const runs = runSeeds(replayAttack, 8);
    expect(runs.failures).toEqual([]);
    expect(runs.accepted).toBeGreaterThan(8 * 10);
  });

  it('would sign twice without the guard, as libocr can (the checker sees it)', () => {
    const runs = runSeeds({ ...replayAttack, forgetSignedRounds: true }, 8);
    const doubleSigned = runs.results.filter((r) =>
      r.violations.some((v) => v.includes('signed two different reports')),
    );
    expect(doubleSigned.length).toBeGreaterThan(0);
  });
});
