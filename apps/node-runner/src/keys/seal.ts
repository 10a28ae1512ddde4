import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback } from 'node:crypto';
import { z } from 'zod';

/**
 * A secret encrypted with a passphrase: scrypt derives an AES-256-GCM key. Same scheme and field
 * names as @oracle/evm's OCR key files, so every key file of a node reads alike.
 */
export const sealedSecretSchema = z.strictObject({
  kdf: z.literal('scrypt'),
  n: z
    .int()
    .min(2 ** 14)
    .max(2 ** 20),
  r: z.int().min(1).max(32),
  p: z.int().min(1).max(16),
  salt: z.hex(),
  iv: z.hex(),
  ciphertext: z.hex(),
  tag: z.hex(),
});
export type SealedSecret = z.infer<typeof sealedSecretSchema>;

const SCRYPT = { n: 2 ** 15, r: 8, p: 1 } as const;

function deriveKey(
  passphrase: string,
  salt: Buffer,
  params: { n: number; r: number; p: number },
): Promise<Buffer> {
  const options = { N: params.n, r: params.r, p: params.p, maxmem: 256 * params.n * params.r };
  return new Promise((resolve, reject) =>
    scryptCallback(passphrase, salt, 32, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function sealSecret(plaintext: string, passphrase: string): Promise<SealedSecret> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await deriveKey(passphrase, salt, SCRYPT), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    kdf: 'scrypt',
    ...SCRYPT,
    salt: salt.toString('hex'),
    iv: iv.toString('hex'),
    ciphertext: ciphertext.toString('hex'),
    tag: cipher.getAuthTag().toString('hex'),
  };
}

/** Throws "wrong passphrase or corrupted" when authentication fails. */
export async function unsealSecret(sealed: SealedSecret, passphrase: string): Promise<string> {
  const key = await deriveKey(passphrase, Buffer.from(sealed.salt, 'hex'), sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'hex'));
  try {
    decipher.setAuthTag(Buffer.from(sealed.tag, 'hex'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'hex')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new Error('wrong passphrase or corrupted key file');
  }
}
