import { createCipheriv, type Cipher } from 'node:crypto';
import { getBytes, type BytesLike } from 'ethers';

/**
 * libocr's `permutation.Permutation(n, key)` (ocr1.md §7): Go's math/rand `Rand.Shuffle` over
 * [0..n-1], driven by a Source whose Int63() is the next 8 bytes of an AES-128-CTR keystream
 * (zero IV) read little-endian and masked to 63 bits.
 */
export function permutation(n: number, key: BytesLike): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fff_ffff) throw new Error(`n ${n} out of range`);
  const source = new AesCtrSource(getBytes(key));
  const result = Array.from({ length: n }, (_, i) => i);
  // Rand.Shuffle: Fisher–Yates from the top, j = int31n(i + 1). (Its Int63n branch only runs for n > 2^31.)
  for (let i = n - 1; i > 0; i--) {
    const j = int31n(source, i + 1);
    [result[i], result[j]] = [result[j] as number, result[i] as number];
  }
  return result;
}

const INT63_MASK = (1n << 63n) - 1n;

class AesCtrSource {
  private readonly cipher: Cipher;

  constructor(key: Uint8Array) {
    if (key.length !== 16) throw new Error('permutation key must be 16 bytes');
    this.cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  }

  int63(): bigint {
    return this.cipher.update(Buffer.alloc(8)).readBigUInt64LE(0) & INT63_MASK;
  }

  /** Go's Rand.Uint32: the top 32 of the 63 bits. */
  uint32(): number {
    return Number(this.int63() >> 31n);
  }
}

/** Go's Rand.int31n: Lemire's multiply-shift with rejection of the biased low range. */
function int31n(source: AesCtrSource, n: number): number {
  const bigN = BigInt(n);
  let product = BigInt(source.uint32()) * bigN;
  let low = Number(product & 0xffff_ffffn);
  if (low < n) {
    const threshold = (2 ** 32 - n) % n; // uint32(-n) % uint32(n)
    while (low < threshold) {
      product = BigInt(source.uint32()) * bigN;
      low = Number(product & 0xffff_ffffn);
    }
  }
  return Number(product >> 32n);
}
