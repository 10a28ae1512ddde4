import { describe, expect, it } from 'vitest';
import { LIVENESS_GAP_MS, runSeeds } from './seeds.js';

describe('simulation: honest oracles', () => {
  it('keep every invariant and update the feed on a lossy, duplicating, reordering network', () => {
    const runs = runSeeds(
      {
        n: 4,
        f: 1,
        durationMs: 60_000,
        network: { dropRate: 0.05, duplicateRate: 0.05, minDelayMs: 5, maxDelayMs: 150 },
        chainReadTimeoutRate: 0.02,
        livenessGapMs: LIVENESS_GAP_MS,
      },
      20,
    );
    expect(runs.failures).toEqual([]);
    expect(runs.accepted).toBeGreaterThan(20 * 5);
    expect(runs.results.every((r) => r.stats.dropped > 0)).toBe(true);
  });

  it.each([
    { n: 4, f: 1, crashed: [2] },
    { n: 7, f: 2, crashed: [1, 5] },
    { n: 10, f: 3, crashed: [0, 4, 9] },
  ])('stay live with f of n = $n crashed', ({ n, f, crashed }) => {
    const runs = runSeeds(
      { n, f, crashed, durationMs: 60_000, livenessGapMs: LIVENESS_GAP_MS },
      n === 10 ? 5 : 12,
    );
    expect(runs.failures).toEqual([]);
    expect(runs.results.every((r) => r.stats.accepted >= 5)).toBe(true);
  });

  it('stop, safely, with f + 1 crashed', () => {
    const runs = runSeeds({ n: 4, f: 1, crashed: [0, 3], durationMs: 30_000 }, 5);
    expect(runs.failures).toEqual([]);
    expect(runs.accepted).toBe(0);
  });
});
