import { describe, expect, it } from 'vitest';
import { LIVENESS_GAP_MS, runSeeds } from './seeds.js';
import type { Scenario } from './simulation.js';

/** The simulated price starts at 65 000 (8 decimals) and random-walks a few percent at most. */
const BASE = 65_000n * 10n ** 8n;
const SHOCK = { fromMs: 15_000, untilMs: 35_000, factor: 10n };
const GUARD = { maxChangePpb: 500_000_000n }; // 50 %

const scenario: Omit<Scenario, 'seed'> = {
  n: 4,
  f: 1,
  durationMs: 50_000,
  network: { dropRate: 0.02, duplicateRate: 0.02, minDelayMs: 5, maxDelayMs: 100 },
  chainReadTimeoutRate: 0.02,
  // Every data source reports 10x for 20 s: longer than the heartbeat (deltaC 8 s).
  priceShocks: [SHOCK],
};

describe('simulation: the feed guard', () => {
  it('with the guard, a 10x observation never reaches the chain, heartbeat or not, and reporting resumes after', () => {
    const runs = runSeeds({ ...scenario, config: { guard: GUARD } }, 8);
    expect(runs.failures).toEqual([]);
    for (const { accepted } of runs.results) {
      expect(accepted.length).toBeGreaterThan(3);
      for (const { median } of accepted) expect(median).toBeLessThan(2n * BASE);
      // The feed held its answer through the shock: nothing landed from shortly after it began
      // (a report already under way may still land) until it ended.
      expect(accepted.filter((a) => a.atMs > SHOCK.fromMs + 3_000 && a.atMs < SHOCK.untilMs)).toEqual([]);
      expect(accepted.some((a) => a.atMs > SHOCK.untilMs)).toBe(true);
    }
  });

  it('without a guard (the default), the same 10x observations go on chain', () => {
    const runs = runSeeds(scenario, 4);
    expect(runs.failures).toEqual([]);
    for (const { accepted } of runs.results)
      expect(accepted.some((a) => a.median > 5n * BASE && a.atMs < SHOCK.untilMs)).toBe(true);
  });

  it('with the guard but plausible prices, the feed stays live, and with reliable reads updates exactly as without', () => {
    const plausible = {
      ...scenario,
      priceShocks: [],
      livenessGapMs: LIVENESS_GAP_MS,
    };
    const guard = { ...GUARD, band: { min: BASE / 2n, max: BASE * 2n } };
    // A timed-out chain read cannot vouch for the change: that round is not signed.
    expect(runSeeds({ ...plausible, config: { guard } }, 6).failures).toEqual([]);
    const reliable = { ...plausible, chainReadTimeoutRate: 0 };
    const guarded = runSeeds({ ...reliable, config: { guard } }, 4);
    const unguarded = runSeeds(reliable, 4);
    expect(guarded.failures).toEqual([]);
    expect(guarded.results.map((r) => r.accepted)).toEqual(unguarded.results.map((r) => r.accepted));
  });
});
