import { runSimulation, type Scenario, type SimulationResult } from './simulation.js';

/** Seeds 1..count, or just SIM_SEED when set (to replay a failure). */
export function seeds(count: number): number[] {
  const only = process.env.SIM_SEED;
  return only ? [Number(only)] : Array.from({ length: count }, (_, i) => i + 1);
}

export interface SeedRuns {
  readonly results: SimulationResult[];
  /** One line per failing seed, with the seed to replay it. */
  readonly failures: string[];
  readonly accepted: number;
}

export function runSeeds(scenario: Omit<Scenario, 'seed'>, count: number): SeedRuns {
  const results: SimulationResult[] = [];
  const failures: string[] = [];
  for (const seed of seeds(count)) {
    const result = runSimulation({ ...scenario, seed });
    results.push(result);
    if (result.violations.length > 0) {
      const shown = result.violations.slice(0, 5).join('; ');
      failures.push(
        `seed ${seed} (replay with SIM_SEED=${seed}): ${result.violations.length} violation(s): ${shown}`,
      );
    }
  }
  return { results, failures, accepted: results.reduce((sum, r) => sum + r.stats.accepted, 0) };
}

/**
 * How long the simulated feed may go without an update: the heartbeat (deltaC 8 s), plus three
 * epochs lost to crashed or byzantine leaders (deltaProgress 3 s each), plus three rounds.
 */
export const LIVENESS_GAP_MS = 8_000 + 3 * 3_000 + 3 * 1_000;
