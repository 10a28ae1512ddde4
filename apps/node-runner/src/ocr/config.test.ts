import { describe, expect, it } from 'vitest';
import { configProblems } from './config.js';
import { testConfig } from './fixtures/harness.js';

describe('configProblems', () => {
  it('accepts a sound config', () => {
    expect(configProblems(testConfig())).toEqual([]);
    expect(configProblems(testConfig({ n: 31, f: 10, oracleId: 30 }))).toEqual([]);
  });

  it.each([
    ['a digest that is not 16 lower-case hex bytes', { configDigest: '0xABCD' }, 'configDigest'],
    ['3f >= n', { n: 3, f: 1 }, 'f must be'],
    ['more than 31 oracles', { n: 32, f: 1 }, 'n must be'],
    ['an oracle id outside 0..n-1', { oracleId: 4 }, 'oracleId'],
    ['deltaGrace >= deltaRound', { deltaGraceMs: 4_000 }, 'deltaGraceMs < deltaRoundMs'],
    ['deltaRound >= deltaProgress', { deltaRoundMs: 10_000 }, 'deltaGraceMs < deltaRoundMs'],
    ['a negative duration', { deltaCMs: -1 }, 'deltaCMs'],
    ['rMax 0', { rMax: 0 }, 'rMax'],
    ['rMax 255', { rMax: 255 }, 'rMax'],
    ['a schedule entry above 31', { s: [1, 32] }, 's must'],
    ['a negative alpha', { alphaPpb: -1n }, 'alphaPpb'],
  ])('rejects %s', (_name, overrides, problem) => {
    expect(configProblems(testConfig(overrides)).join('; ')).toContain(problem);
  });
});
