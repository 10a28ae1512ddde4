import { inspect } from 'node:util';
import { computeAddress } from 'ethers';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './fixtures/seeded-random.js';
import { generateOracleKeys, OracleKeys } from './keys.js';
import { recoverReportSigner, signReport } from './report-signature.js';
import { signObservation, verifyObservation } from './observation-signature.js';
import { decryptSharedSecret, encryptSharedSecret } from './shared-secret.js';

describe('oracle keys', () => {
  it('are a pure function of the random bytes', () => {
    const a = generateOracleKeys(seededRandom('k'));
    const b = generateOracleKeys(seededRandom('k'));
    const c = generateOracleKeys(seededRandom('other'));
    expect(a.reveal()).toEqual(b.reveal());
    expect(a.publicKeys()).toEqual(b.publicKeys());
    expect(c.onchainSigningAddress).not.toBe(a.onchainSigningAddress);
    expect(new Set(Object.values(a.reveal())).size).toBe(4);
  });

  it('work together: report signature, observation signature, shared-secret decryption', () => {
    const keys = generateOracleKeys(seededRandom('together'));
    const secret = keys.reveal();
    const report = '0x' + '00'.repeat(128);
    expect(recoverReportSigner(report, signReport(report, secret.onchainSigningKey))).toBe(
      keys.onchainSigningAddress,
    );
    const ctx = { configDigest: '0x' + '01'.repeat(16), epoch: 1, round: 1 };
    expect(
      verifyObservation(ctx, 5n, signObservation(ctx, 5n, secret.offchainPrivateKey), keys.offchainPublicKey),
    ).toBe(true);
    const sse = encryptSharedSecret([keys.configPublicKey], '0x' + '07'.repeat(16), '0x' + '09'.repeat(32));
    expect(decryptSharedSecret(sse, 0, secret.configPrivateKey)).toEqual({
      ok: true,
      value: '0x' + '07'.repeat(16),
    });
    expect(keys.transmitterAddress).toBe(computeAddress(secret.transmitterPrivateKey));
  });

  it('redraw secp256k1 keys outside [1, order)', () => {
    const draws = [
      'ff'.repeat(32),
      '00'.repeat(32),
      '01'.repeat(32),
      '02'.repeat(32),
      '03'.repeat(32),
      '04'.repeat(32),
    ];
    const keys = generateOracleKeys(() => Buffer.from(draws.shift() as string, 'hex'));
    expect(keys.reveal().onchainSigningKey).toBe('0x' + '01'.repeat(32));
    expect(keys.reveal().transmitterPrivateKey).toBe('0x' + '04'.repeat(32));
  });

  it('never print private keys', () => {
    const keys = generateOracleKeys(seededRandom('quiet'));
    const secrets = Object.values(keys.reveal()).map((s) => s.slice(2));
    for (const text of [
      JSON.stringify(keys),
      String(keys),
      inspect(keys),
      `${keys}`,
      inspect({ nested: { keys } }),
    ]) {
      for (const s of secrets) expect(text).not.toContain(s);
    }
    expect(JSON.parse(JSON.stringify(keys))).toEqual(keys.publicKeys());
  });

  it('reject malformed private keys without echoing them', () => {
    const good = generateOracleKeys(seededRandom('good')).reveal();
    const badKey = '0x' + 'ff'.repeat(32);
    expect(() => OracleKeys.fromSecret({ ...good, onchainSigningKey: badKey })).toThrow(
      /not a valid secp256k1/,
    );
    expect(() => OracleKeys.fromSecret({ ...good, configPrivateKey: '0x1234' })).toThrow(/32 bytes/);
    try {
      OracleKeys.fromSecret({ ...good, transmitterPrivateKey: badKey });
    } catch (e) {
      expect(String(e)).not.toContain('ff'.repeat(32));
    }
  });
});
