import { describe, expect, it } from 'vitest';
import { formatDuration, sourceAgeChangesAtMs, staleAtSource } from './source-age.js';

const T = Date.UTC(2024, 5, 10, 12);
const quote = (sourceTimestampMs?: number, maxSourceAgeMs?: number) => ({
  source: 'okx',
  sourceTimestampMs,
  maxSourceAgeMs,
});

describe('staleAtSource', () => {
  it('judges a quote by its timestamp against its bound, and leaves quotes without either alone', () => {
    expect(staleAtSource(quote(T - 59_999, 60_000), T)).toBeUndefined();
    expect(staleAtSource(quote(T - 60_000, 60_000), T)).toBe(
      "okx's timestamp 2024-06-10T11:59:00.000Z is 60 s old (bound 60 s)",
    );
    expect(staleAtSource(quote(undefined, 60_000), T)).toBeUndefined();
    expect(staleAtSource(quote(T - 86_400_000, undefined), T)).toBeUndefined();
  });

  it('does not believe a timestamp more than 60 s ahead', () => {
    expect(staleAtSource(quote(T + 60_000, 60_000), T)).toBeUndefined();
    expect(staleAtSource(quote(T + 60_001, 60_000), T)).toMatch(/is 60 s ahead of this clock/);
  });
});

describe('sourceAgeChangesAtMs', () => {
  it('is when the quote turns stale, or when a timestamp ahead comes within reach, and then never', () => {
    expect(sourceAgeChangesAtMs(quote(T - 1_000, 60_000), T)).toBe(T + 59_000);
    expect(sourceAgeChangesAtMs(quote(T - 60_000, 60_000), T)).toBeUndefined(); // stale already, for good
    expect(sourceAgeChangesAtMs(quote(T + 90_000, 60_000), T)).toBe(T + 30_000);
    expect(sourceAgeChangesAtMs(quote(T + 90_000, 60_000), T + 30_000)).toBe(T + 150_000);
    expect(sourceAgeChangesAtMs(quote(undefined, 60_000), T)).toBeUndefined();
    expect(sourceAgeChangesAtMs(quote(T, undefined), T)).toBeUndefined();
  });

  it('agrees with staleAtSource on both sides of the instant it names', () => {
    for (const stamped of [T - 30_000, T + 75_000]) {
      const q = quote(stamped, 60_000);
      const at = sourceAgeChangesAtMs(q, T) as number;
      expect(staleAtSource(q, at - 1) === undefined).not.toBe(staleAtSource(q, at) === undefined);
    }
  });
});

describe('formatDuration', () => {
  it('says a duration in one readable unit', () => {
    expect(
      [850, 1_500, 60_000, 90_000, 150_000, 3_600_000, 7_200_000, 86_400_000, 172_800_000].map(
        formatDuration,
      ),
    ).toEqual(['850 ms', '1.5 s', '60 s', '90 s', '2.5 min', '60 min', '2 h', '24 h', '2 d']);
  });
});
