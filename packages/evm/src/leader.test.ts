import { describe, expect, it } from 'vitest';
import vectors from './fixtures/go-vectors.json' with { type: 'json' };
import { leader } from './leader.js';

describe('leader', () => {
  it('matches Go (keccak256 of key ‖ uint64 LE epoch, big-endian mod n) for epochs 1..20', () => {
    for (const v of vectors.leader) {
      const ours = Array.from({ length: 20 }, (_, i) => leader(i + 1, v.n, v.key));
      expect(ours, `n = ${v.n}`).toEqual(v.leadersForEpochs1to20);
    }
  });

  it('depends on the key and rejects out-of-range input', () => {
    const a = Array.from({ length: 20 }, (_, i) => leader(i + 1, 31, '0x' + '11'.repeat(16)));
    const b = Array.from({ length: 20 }, (_, i) => leader(i + 1, 31, '0x' + '22'.repeat(16)));
    expect(a).not.toEqual(b);
    expect(() => leader(2 ** 32, 4, '0x' + '11'.repeat(16))).toThrow(/uint32/);
    expect(() => leader(1, 0, '0x' + '11'.repeat(16))).toThrow();
    expect(() => leader(1, 4, '0x1234')).toThrow(/16 bytes/);
  });
});
