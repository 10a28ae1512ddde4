import { hexlify } from 'ethers';
import { describe, expect, it } from 'vitest';
import vectors from './fixtures/go-vectors.json' with { type: 'json' };
import { x25519PublicKey } from './curve25519.js';
import {
  decryptSharedSecret,
  encryptSharedSecret,
  leaderSelectionKey,
  transmissionOrderKey,
} from './shared-secret.js';

const v = vectors.sharedSecret;

describe('shared secret', () => {
  it('deals exactly what Go (x/crypto curve25519, keccak, AES-128) deals', () => {
    expect(v.oracleScalars.map((s) => hexlify(x25519PublicKey(Buffer.from(s.slice(2), 'hex'))))).toEqual(
      v.oraclePublicKeys,
    );
    const dealt = encryptSharedSecret(v.oraclePublicKeys, v.secret, v.dealerScalar);
    expect(dealt).toEqual({
      diffieHellmanPoint: v.diffieHellmanPoint,
      sharedSecretHash: v.sharedSecretHash,
      encryptions: v.encryptions,
    });
  });

  it('lets every oracle decrypt its own entry', () => {
    const dealt = encryptSharedSecret(v.oraclePublicKeys, v.secret, v.dealerScalar);
    v.oracleScalars.forEach((scalar, i) => {
      expect(decryptSharedSecret(dealt, i, scalar)).toEqual({ ok: true, value: v.secret });
    });
  });

  it("rejects a tampered hash, a wrong key, another oracle's entry and a missing entry", () => {
    const dealt = encryptSharedSecret(v.oraclePublicKeys, v.secret, v.dealerScalar);
    const [scalar0, scalar1] = v.oracleScalars as [string, string];
    const tampered = { ...dealt, sharedSecretHash: '0x' + 'ff'.repeat(32) };
    expect(decryptSharedSecret(tampered, 0, scalar0)).toEqual({
      ok: false,
      error: 'decrypted shared secret has wrong hash',
    });
    expect(decryptSharedSecret(dealt, 0, scalar1).ok).toBe(false);
    expect(decryptSharedSecret(dealt, 1, scalar0).ok).toBe(false);
    expect(decryptSharedSecret(dealt, 4, scalar0)).toEqual({
      ok: false,
      error: 'oracle 4 has no shared-secret encryption',
    });
  });

  it('fails on a low-order dealer point instead of deriving a key from zeros', () => {
    const dealt = encryptSharedSecret(v.oraclePublicKeys, v.secret, v.dealerScalar);
    const lowOrder = { ...dealt, diffieHellmanPoint: '0x' + '00'.repeat(32) };
    const result = decryptSharedSecret(lowOrder, 0, v.oracleScalars[0] as string);
    expect(result.ok).toBe(false);
  });

  it('derives the leader-selection and transmission-order keys like libocr', () => {
    expect(leaderSelectionKey(v.secret)).toBe(v.leaderSelectionKey);
    expect(transmissionOrderKey(v.secret)).toBe(v.transmissionOrderKey);
    expect(() => encryptSharedSecret(v.oraclePublicKeys, '0x1234', v.dealerScalar)).toThrow(/16 bytes/);
  });
});
