import { describe, expect, it } from 'vitest';
import vectors from './fixtures/go-vectors.json' with { type: 'json' };
import { transmissionPermutationKey, transmitDelayNs } from './transmission-schedule.js';

describe('transmission schedule', () => {
  it('gives every oracle the same stage delay as libocr transmitDelay', () => {
    for (const v of vectors.transmissionDelay) {
      const input = { ...v, deltaStageNs: BigInt(v.deltaStageNs) };
      expect(transmissionPermutationKey(input)).toBe(v.permutationKey);
      const delays = Array.from({ length: v.n }, (_, id) => transmitDelayNs(input, id));
      expect(delays).toEqual(v.delaysNs.map((d) => (d === null ? undefined : BigInt(d))));
    }
  });

  it('follows S = [1, 2, 2, 2]: one oracle at once, then two per stage', () => {
    const v = vectors.transmissionDelay[0];
    if (!v) throw new Error('missing vector');
    const input = { ...v, deltaStageNs: 60n };
    const delays = Array.from({ length: 4 }, (_, id) => transmitDelayNs(input, id) as bigint).sort((a, b) =>
      Number(a - b),
    );
    expect(delays).toEqual([0n, 60n, 60n, 120n]);
    expect(() => transmitDelayNs(input, 4)).toThrow(/out of range/);
  });

  it('never schedules an oracle the schedule does not cover', () => {
    const v = vectors.transmissionDelay[0];
    if (!v) throw new Error('missing vector');
    const input = { ...v, s: [1], deltaStageNs: 60n };
    const delays = Array.from({ length: 4 }, (_, id) => transmitDelayNs(input, id));
    expect(delays.filter((d) => d === 0n)).toHaveLength(1);
    expect(delays.filter((d) => d === undefined)).toHaveLength(3);
  });
});
