import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { hexBytesSchema } from './hex-field.js';
import {
  checkScryptCost,
  deriveScryptKey,
  scryptNSchema,
  scryptPSchema,
  scryptRSchema,
  type ScryptParams,
} from './scrypt.js';

/**
 * A secret sealed with a passphrase, as our own key files keep it (`sealedSecret` in p2p-key.json
 * and ocr-key.json): scrypt derives an AES-256-GCM key; the tag authenticates the ciphertext.
 * The one sealing module of the key files: both formats read and write it here.
 */
export const sealedSecretSchema = z
  .strictObject({
    kdf: z.literal('scrypt'),
    n: scryptNSchema,
    r: scryptRSchema,
    p: scryptPSchema,
    salt: hexBytesSchema(16),
    iv: hexBytesSchema(12),
    ciphertext: hexBytesSchema(1, 4096),
    tag: hexBytesSchema(16),
  })
  .superRefine(checkScryptCost);
export type SealedSecret = z.infer<typeof sealedSecretSchema>;

/** What a sealed key file costs to open: 32 MiB of scrypt, well under a tenth of a second. */
export const SEALING_SCRYPT: ScryptParams = { n: 2 ** 15, r: 8, p: 1 };

export async function sealSecret(
  plaintext: string,
  passphrase: string,
  scrypt: ScryptParams = SEALING_SCRYPT,
): Promise<SealedSecret> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await deriveScryptKey(passphrase, salt, scrypt, 32), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    kdf: 'scrypt',
    n: scrypt.n,
    r: scrypt.r,
    p: scrypt.p,
    salt: salt.toString('hex'),
    iv: iv.toString('hex'),
    ciphertext: ciphertext.toString('hex'),
    tag: cipher.getAuthTag().toString('hex'),
  };
}

/** Throws "wrong passphrase or corrupted key file" when authentication fails. */
export async function unsealSecret(sealed: SealedSecret, passphrase: string): Promise<string> {
  const key = await deriveScryptKey(passphrase, Buffer.from(sealed.salt, 'hex'), sealed, 32);
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
