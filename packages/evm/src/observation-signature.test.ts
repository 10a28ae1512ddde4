import { hexlify } from 'ethers';
import { describe, expect, it } from 'vitest';
import { ed25519PublicKey } from './curve25519.js';
import vectors from './fixtures/go-vectors.json' with { type: 'json' };
import { observationPayload, signObservation, verifyObservation } from './observation-signature.js';

const seed = '0x' + '42'.repeat(32);
const publicKey = hexlify(ed25519PublicKey(Buffer.from('42'.repeat(32), 'hex')));
const context = { configDigest: '0x' + 'ab'.repeat(16), epoch: 5, round: 1 };

describe('observation signatures', () => {
  it("sign the same 56-byte payload as libocr (context ‖ int192 two's complement), with Go's Ed25519 signature", () => {
    for (const v of vectors.observationPayload) {
      const context = { configDigest: v.configDigest, epoch: v.epoch, round: v.round };
      const value = BigInt(v.value);
      expect(hexlify(observationPayload(context, value))).toBe(v.payload);
      expect(hexlify(ed25519PublicKey(Buffer.from(v.offchainSeed.slice(2), 'hex')))).toBe(
        v.offchainPublicKey,
      );
      expect(signObservation(context, value, v.offchainSeed)).toBe(v.signature);
      expect(verifyObservation(context, value, v.signature, v.offchainPublicKey)).toBe(true);
    }
  });

  it('verify with the right key and context only', () => {
    const sig = signObservation(context, 123n, seed);
    expect(verifyObservation(context, 123n, sig, publicKey)).toBe(true);
    expect(verifyObservation(context, 124n, sig, publicKey)).toBe(false);
    expect(verifyObservation({ ...context, round: 2 }, 123n, sig, publicKey)).toBe(false);
    expect(verifyObservation(context, 123n, sig, '0x' + '00'.repeat(31) + '01')).toBe(false);
    expect(verifyObservation(context, 123n, '0x1234', publicKey)).toBe(false);
    expect(verifyObservation(context, 1n << 192n, sig, publicKey)).toBe(false);
  });

  it('matches RFC 8032 test 1 for the raw Ed25519 primitive', () => {
    const rfcSeed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    expect(hexlify(ed25519PublicKey(rfcSeed))).toBe(
      '0xd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
  });
});
