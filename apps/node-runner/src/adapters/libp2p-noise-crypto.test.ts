import { randomBytes } from 'node:crypto';
import { pureJsCrypto } from '@chainsafe/libp2p-noise';
import { Uint8ArrayList } from 'uint8arraylist';
import { describe, expect, it } from 'vitest';
import { nodeNoiseCrypto as node } from './libp2p-noise-crypto.js';

// The reference: the Noise package's pure-JavaScript primitives (@noble), an independent implementation.
const reference = pureJsCrypto;
const bytes = (value: Uint8Array | Uint8ArrayList): Uint8Array => value.subarray();
const hex = (value: Uint8Array | Uint8ArrayList): string => Buffer.from(bytes(value)).toString('hex');

describe('nodeNoiseCrypto', () => {
  it('hashes like SHA-256, from one array or from a list of chunks', () => {
    const data = randomBytes(300);
    expect(hex(node.hashSHA256(data))).toBe(hex(reference.hashSHA256(data)));
    const list = new Uint8ArrayList(data.subarray(0, 7), data.subarray(7, 200), data.subarray(200));
    expect(hex(node.hashSHA256(list))).toBe(hex(reference.hashSHA256(data)));
  });

  it('derives the same three HKDF keys, also from empty input key material (Noise Split)', () => {
    for (const ikm of [randomBytes(32), new Uint8Array(0)]) {
      const ck = randomBytes(32);
      expect(node.getHKDF(ck, ikm).map(hex)).toEqual(reference.getHKDF(ck, ikm).map(hex));
    }
  });

  it('derives X25519 public keys and shared secrets like the reference', () => {
    const seed = randomBytes(32);
    expect(hex(node.generateX25519KeyPairFromSeed(seed).publicKey)).toBe(
      hex(reference.generateX25519KeyPairFromSeed(seed).publicKey),
    );
    const ours = node.generateX25519KeyPair();
    expect(ours.privateKey).toHaveLength(32);
    expect(hex(reference.generateX25519KeyPairFromSeed(ours.privateKey).publicKey)).toBe(hex(ours.publicKey));
    const theirs = reference.generateX25519KeyPair();
    const shared = node.generateX25519SharedKey(ours.privateKey, theirs.publicKey);
    expect(hex(shared)).toBe(hex(reference.generateX25519SharedKey(theirs.privateKey, ours.publicKey)));
    expect(
      hex(
        node.generateX25519SharedKey(
          new Uint8ArrayList(ours.privateKey),
          new Uint8ArrayList(theirs.publicKey),
        ),
      ),
    ).toBe(hex(shared));
  });

  it('encrypts exactly like the reference, and each side decrypts the other', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const ad = randomBytes(32);
    for (const size of [0, 1, 100, 1_199, 1_200, 65_519]) {
      const plaintext = randomBytes(size);
      const sealed = node.chaCha20Poly1305Encrypt(plaintext, nonce, ad, key);
      expect(hex(sealed)).toBe(hex(reference.chaCha20Poly1305Encrypt(plaintext, nonce, ad, key)));
      expect(hex(reference.chaCha20Poly1305Decrypt(bytes(sealed), nonce, ad, key))).toBe(hex(plaintext));
      expect(hex(node.chaCha20Poly1305Decrypt(sealed, nonce, ad, key))).toBe(hex(plaintext));
    }
    const plaintext = randomBytes(500);
    const list = new Uint8ArrayList(plaintext.subarray(0, 100), plaintext.subarray(100));
    const sealed = bytes(node.chaCha20Poly1305Encrypt(list, nonce, ad, key));
    expect(hex(sealed)).toBe(hex(reference.chaCha20Poly1305Encrypt(plaintext, nonce, ad, key)));
    const sealedList = new Uint8ArrayList(sealed.subarray(0, 250), sealed.subarray(250));
    expect(hex(node.chaCha20Poly1305Decrypt(sealedList, nonce, ad, key))).toBe(hex(plaintext));
  });

  it('refuses a ciphertext that does not authenticate: altered, other data, other nonce, too short', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const ad = randomBytes(32);
    const sealed = bytes(node.chaCha20Poly1305Encrypt(randomBytes(64), nonce, ad, key));
    const altered = Uint8Array.from(sealed);
    altered[10] = (altered[10] ?? 0) ^ 1;
    expect(() => node.chaCha20Poly1305Decrypt(altered, nonce, ad, key)).toThrow();
    expect(() => node.chaCha20Poly1305Decrypt(sealed, nonce, randomBytes(32), key)).toThrow();
    expect(() => node.chaCha20Poly1305Decrypt(sealed, randomBytes(12), ad, key)).toThrow();
    expect(() => node.chaCha20Poly1305Decrypt(sealed.subarray(0, 15), nonce, ad, key)).toThrow(
      /shorter than its tag/,
    );
  });
});
