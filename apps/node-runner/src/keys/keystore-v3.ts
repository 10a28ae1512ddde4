import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { getBytes, keccak256 } from 'ethers';
import { z } from 'zod';
import { hexBytesSchema } from './hex-field.js';
import {
  checkScryptCost,
  deriveScryptKey,
  scryptNSchema,
  scryptPSchema,
  scryptRSchema,
  STANDARD_SCRYPT,
  type ScryptParams,
} from './scrypt.js';

/**
 * The `crypto` object of an Ethereum keystore v3 file, which Chainlink's P2P and OCR key exports
 * reuse: scrypt (dklen 32) derives a key; AES-128-CTR with its first 16 bytes encrypts; the MAC is
 * keccak256(derivedKey[16..32] ‖ ciphertext). Foreign files: unknown fields are ignored, scrypt
 * parameters are bounded (scrypt.ts).
 */
export const keystoreCryptoSchema = z.object({
  cipher: z.literal('aes-128-ctr', { error: 'only the cipher aes-128-ctr is supported' }),
  ciphertext: hexBytesSchema(1, 4096),
  cipherparams: z.object({ iv: hexBytesSchema(16) }),
  kdf: z.literal('scrypt', { error: 'only the key derivation scrypt is supported' }),
  kdfparams: z
    .object({
      dklen: z.literal(32),
      n: scryptNSchema,
      r: scryptRSchema,
      p: scryptPSchema,
      salt: hexBytesSchema(1, 64),
    })
    .superRefine(checkScryptCost),
  mac: hexBytesSchema(32),
});
export type KeystoreCrypto = z.infer<typeof keystoreCryptoSchema>;

/** Wrong password, or a file altered since it was written: the two cannot be told apart. */
export class KeystoreMacError extends Error {
  constructor() {
    super('wrong password, or the file was altered (MAC mismatch)');
  }
}

const mac = (derived: Buffer, ciphertext: Buffer): Buffer =>
  Buffer.from(getBytes(keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext]))));

/** The plaintext; throws KeystoreMacError unless the MAC checks out. */
export async function decryptKeystoreCrypto(crypto: KeystoreCrypto, password: string): Promise<Buffer> {
  const { n, r, p, salt } = crypto.kdfparams;
  const derived = await deriveScryptKey(password, Buffer.from(salt, 'hex'), { n, r, p }, 32);
  const ciphertext = Buffer.from(crypto.ciphertext, 'hex');
  if (!timingSafeEqual(mac(derived, ciphertext), Buffer.from(crypto.mac, 'hex')))
    throw new KeystoreMacError();
  const decipher = createDecipheriv(
    'aes-128-ctr',
    derived.subarray(0, 16),
    Buffer.from(crypto.cipherparams.iv, 'hex'),
  );
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** decryptKeystoreCrypto for the key file `path`: errors say "key file <path>: <why>", never key material. */
export async function decryptKeyFile(
  path: string,
  crypto: KeystoreCrypto,
  password: string,
): Promise<Buffer> {
  try {
    return await decryptKeystoreCrypto(crypto, password);
  } catch (error) {
    const reason = error instanceof KeystoreMacError ? error.message : 'cannot be decrypted';
    throw new Error(`key file ${path}: ${reason}`);
  }
}

/** Encrypts as go-ethereum does (32-byte salt, 16-byte IV), with Ethereum's standard scrypt cost unless told otherwise. */
export async function encryptKeystoreCrypto(
  plaintext: Uint8Array,
  password: string,
  scrypt: ScryptParams = STANDARD_SCRYPT,
): Promise<KeystoreCrypto> {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const derived = await deriveScryptKey(password, salt, scrypt, 32);
  const cipher = createCipheriv('aes-128-ctr', derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    cipher: 'aes-128-ctr',
    ciphertext: ciphertext.toString('hex'),
    cipherparams: { iv: iv.toString('hex') },
    kdf: 'scrypt',
    kdfparams: { dklen: 32, n: scrypt.n, p: scrypt.p, r: scrypt.r, salt: salt.toString('hex') },
    mac: mac(derived, ciphertext).toString('hex'),
  };
}
