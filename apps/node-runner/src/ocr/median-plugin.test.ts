import { describe, expect, it } from 'vitest';
import { chainState, DIGEST } from './fixtures/harness.js';
import { deviates, shouldReport, type ShouldReportInput } from './median-plugin.js';

describe('deviates', () => {
  it('compares |value - reference| / |reference| with alpha exactly, inclusive', () => {
    // 0.5 % of 1 000 000 is 5 000.
    expect(deviates(1_005_000n, 1_000_000n, 5_000_000n)).toBe(true);
    expect(deviates(1_004_999n, 1_000_000n, 5_000_000n)).toBe(false);
    expect(deviates(995_000n, 1_000_000n, 5_000_000n)).toBe(true);
    expect(deviates(995_001n, 1_000_000n, 5_000_000n)).toBe(false);
  });

  it('uses the magnitude of a negative reference', () => {
    expect(deviates(-1_005_000n, -1_000_000n, 5_000_000n)).toBe(true);
    expect(deviates(-1_004_999n, -1_000_000n, 5_000_000n)).toBe(false);
  });

  it('treats any change from zero as a deviation, and zero to zero as none', () => {
    expect(deviates(1n, 0n, 5_000_000n)).toBe(true);
    expect(deviates(0n, 0n, 0n)).toBe(false);
  });

  it('stays exact far beyond float precision', () => {
    const big = 10n ** 40n;
    expect(deviates(big + big / 200n, big, 5_000_000n)).toBe(true);
    expect(deviates(big + big / 200n - 1n, big, 5_000_000n)).toBe(false);
  });
});

describe('shouldReport', () => {
  const observations = [100n, 200n, 300n].map((value, observer) => ({ observer, value }));
  const base: ShouldReportInput = {
    configDigest: DIGEST,
    alphaPpb: 5_000_000n,
    deltaCMs: 60_000,
    nowMs: 100_000,
    observations,
    latestTransmission: chainState({ epoch: 3, round: 1, answer: 200n, timestampMs: 90_000 }),
  };

  it('reports nothing when the answer is fresh, close and unrequested', () => {
    expect(shouldReport(base)).toEqual([]);
  });

  it('reports when the chain read timed out', () => {
    expect(shouldReport({ ...base, latestTransmission: 'timeout' })).toEqual(['chainTimeout']);
  });

  it('reports the first round of its own config only', () => {
    expect(
      shouldReport({ ...base, latestTransmission: chainState({ answer: 200n, timestampMs: 90_000 }) }),
    ).toEqual(['initialRound']);
    const otherConfig = chainState({
      configDigest: `0x${'11'.repeat(16)}`,
      answer: 200n,
      timestampMs: 90_000,
    });
    expect(shouldReport({ ...base, latestTransmission: otherConfig })).toEqual([]);
  });

  it('measures deviation at the upper median, observations[k/2]', () => {
    const four = [100n, 200n, 202n, 300n].map((value, observer) => ({ observer, value }));
    // The upper median 202 is 1 % above 200; the lower median 200 would not deviate.
    expect(shouldReport({ ...base, observations: four })).toEqual(['deviation']);
  });

  it('reports a heartbeat only once deltaC has fully passed', () => {
    const at = (nowMs: number) => shouldReport({ ...base, nowMs });
    expect(at(150_000)).toEqual([]);
    expect(at(150_001)).toEqual(['heartbeat']);
  });

  it('reports a round requested since the latest transmission', () => {
    const request = (epoch: number, round: number, configDigest = DIGEST) => ({ configDigest, epoch, round });
    expect(shouldReport({ ...base, latestRoundRequested: request(3, 1) })).toEqual(['requested']);
    expect(shouldReport({ ...base, latestRoundRequested: request(3, 0) })).toEqual([]);
    expect(shouldReport({ ...base, latestRoundRequested: request(4, 0, `0x${'22'.repeat(16)}`) })).toEqual(
      [],
    );
  });
});
