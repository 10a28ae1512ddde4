import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { computeAddress, getAddress, hexlify } from 'ethers';
import { z } from 'zod';
import { parseKeyFile } from './key-file-json.js';
import { decryptKeyFile, encryptKeystoreCrypto, keystoreCryptoSchema } from './keystore-v3.js';
import type { ScryptParams } from './scrypt.js';
import { readProvidedSecretFile } from './secret-files.js';

/**
 * `evm_key.json` of the Chainlink layout: an Ethereum keystore v3 file (go-ethereum's format,
 * which Chainlink exports and imports), the plain keystore password, the transmitter's key.
 * go-ethereum reads `crypto` under any capitalisation; ethers writes `Crypto`: both are read.
 */
const evmKeyFileSchema = z
  .object({
    address: z.string().regex(/^(0x)?[0-9a-fA-F]{40}$/, { error: 'expected a 20-byte hex address' }),
    crypto: keystoreCryptoSchema.optional(),
    Crypto: keystoreCryptoSchema.optional(),
    version: z.literal(3),
  })
  .refine((file) => file.crypto ?? file.Crypto, { error: 'no crypto object' });

const FORMAT = 'an Ethereum keystore v3 file';

/** The address an `evm_key.json` states (EIP-55), readable without the password (checked when the key is loaded). */
export function chainlinkEvmAddressOf(path: string, text: string): string {
  return getAddress(`0x${parseKeyFile(path, text, evmKeyFileSchema, FORMAT).address.replace(/^0x/, '')}`);
}

/** The 0x-prefixed private key of an `evm_key.json`, checked against the address the file states. */
export async function readChainlinkEvmKey(path: string, password: string): Promise<string> {
  const file = parseKeyFile(path, await readProvidedSecretFile(path), evmKeyFileSchema, FORMAT);
  const crypto = file.crypto ?? file.Crypto;
  if (!crypto) throw new Error(`key file ${path} is not ${FORMAT} (no crypto object)`);
  const plaintext = await decryptKeyFile(path, crypto, password);
  if (plaintext.length !== 32) throw new Error(`key file ${path}: the decrypted key is not 32 bytes`);
  let address: string;
  try {
    address = computeAddress(hexlify(plaintext));
  } catch {
    throw new Error(`key file ${path}: the decrypted key is not a valid secp256k1 private key`);
  }
  if (address.toLowerCase().slice(2) !== file.address.toLowerCase().replace(/^0x/, ''))
    throw new Error(`key file ${path}: address does not match the private key`);
  return hexlify(plaintext);
}

/** Writes `path` (a fresh temporary path: see createSecretFile) as go-ethereum would. */
export async function writeChainlinkEvmKey(
  path: string,
  privateKey: string,
  password: string,
  scrypt?: ScryptParams,
): Promise<void> {
  const file = {
    address: computeAddress(privateKey).toLowerCase().slice(2),
    crypto: await encryptKeystoreCrypto(Buffer.from(privateKey.slice(2), 'hex'), password, scrypt),
    id: randomUUID(),
    version: 3,
  };
  await writeFile(path, JSON.stringify(file), { mode: 0o600, flag: 'wx' });
}
