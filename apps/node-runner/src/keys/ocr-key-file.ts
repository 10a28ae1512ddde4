import { writeFile } from 'node:fs/promises';
import { OracleKeys, type OracleKeysPublic } from '@oracle/evm';
import { z } from 'zod';
import { parseKeyFile } from './key-file-json.js';
import { sealedSecretSchema, sealSecret, unsealSecret } from './sealed-secret.js';
import type { ScryptParams } from './scrypt.js';
import { readSecretFile } from './secret-files.js';

/**
 * `ocr-key.json` of the sealed layout: one oracle's OCR keys and its transmitter key. The public
 * keys in clear (what setConfig needs, readable without the passphrase), the private keys sealed
 * with the node's keystore passphrase (sealed-secret.ts).
 */
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, { error: 'expected a 0x address' });
const key32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, { error: 'expected 0x and 32 bytes of hex' });

export const oracleKeysPublicSchema = z.strictObject({
  onchainSigningAddress: address,
  offchainPublicKey: key32,
  configPublicKey: key32,
  transmitterAddress: address,
});

const ocrKeyFileSchema = z.strictObject({
  version: z.literal(1),
  public: oracleKeysPublicSchema,
  sealedSecret: sealedSecretSchema,
});

const oracleSecretSchema = z.strictObject({
  onchainSigningKey: key32,
  offchainPrivateKey: key32,
  configPrivateKey: key32,
  transmitterPrivateKey: key32,
});

const FORMAT = 'an OCR key file';

/** Writes `path` (a fresh temporary path: see createSecretFile), mode 0600. */
export async function writeOracleKeysFile(
  path: string,
  keys: OracleKeys,
  passphrase: string,
  scrypt?: ScryptParams,
): Promise<void> {
  const file: z.input<typeof ocrKeyFileSchema> = {
    version: 1,
    public: keys.publicKeys(),
    sealedSecret: await sealSecret(JSON.stringify(keys.reveal()), passphrase, scrypt),
  };
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
}

/** The public keys the file states, readable without the passphrase (checked when the keys are loaded). */
export function oracleKeysPublicOf(path: string, text: string): OracleKeysPublic {
  return parseKeyFile(path, text, ocrKeyFileSchema, FORMAT).public;
}

/**
 * Loads an OCR key file. Refuses files readable by group or others, files whose public keys do not
 * match their private keys, and a wrong passphrase. Errors name the file, never key material.
 */
export async function readOracleKeysFile(path: string, passphrase: string): Promise<OracleKeys> {
  const file = parseKeyFile(path, await readSecretFile(path), ocrKeyFileSchema, FORMAT);
  let plaintext: string;
  try {
    plaintext = await unsealSecret(file.sealedSecret, passphrase);
  } catch (error) {
    throw new Error(`key file ${path}: ${(error as Error).message}`);
  }
  let secret: z.output<typeof oracleSecretSchema>;
  try {
    secret = oracleSecretSchema.parse(JSON.parse(plaintext));
  } catch {
    throw new Error(`key file ${path}: the sealed keys are malformed`);
  }
  let keys: OracleKeys;
  try {
    keys = OracleKeys.fromSecret(secret);
  } catch (error) {
    // OracleKeys' messages name the key, never its value.
    throw new Error(`key file ${path}: ${(error as Error).message}`);
  }
  const expected = keys.publicKeys();
  const mismatch = (Object.keys(expected) as (keyof OracleKeysPublic)[]).find(
    (k) => file.public[k].toLowerCase() !== expected[k].toLowerCase(),
  );
  if (mismatch) throw new Error(`key file ${path}: ${mismatch} does not match the private key`);
  return keys;
}
