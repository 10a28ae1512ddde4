import { describe, expect, it } from 'vitest';
import vectors from './fixtures/go-vectors.json' with { type: 'json' };
import { permutation } from './permutation.js';

describe('permutation', () => {
  it('is bit-identical to Go math/rand Shuffle over the AES-128-CTR source', () => {
    expect(vectors.permutation.length).toBeGreaterThan(5);
    for (const v of vectors.permutation) {
      expect(permutation(v.n, v.key), `n = ${v.n}`).toEqual(v.permutation);
    }
  });

  it('is a permutation of 0..n-1', () => {
    const pi = permutation(31, '0x' + 'ab'.repeat(16));
    expect([...pi].sort((a, b) => a - b)).toEqual(Array.from({ length: 31 }, (_, i) => i));
    expect(permutation(0, '0x' + 'ab'.repeat(16))).toEqual([]);
  });
});
