import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { ed25519PublicKey, x25519PublicKey, type OracleKeysPublic, type OracleSecretKeys } from '@oracle/evm';
import { computeAddress, getAddress, getBytes, hexlify, toBeHex } from 'ethers';
import { z } from 'zod';
import { parseKeyFile } from './key-file-json.js';
import { decryptKeyFile, encryptKeystoreCrypto, keystoreCryptoSchema } from './keystore-v3.js';
import type { ScryptParams } from './scrypt.js';
import { readProvidedSecretFile } from './secret-files.js';

/**
 * `ocr_key.json` of the Chainlink layout: Chainlink's encrypted OCR key bundle export. The
 * plaintext is Go's JSON of the bundle, `{"EcdsaD": <secp256k1 scalar, a bare decimal number>,
 * "Ed25519PrivKey": "<seed ‖ public key, base64>", "OffChainEncryption": [<32 bytes of the X25519
 * scalar>]}`; `id` is the hex SHA-256 of that plaintext; the password is "ocrkey" + the keystore
 * password.
 */
const ocrExportSchema = z.object({
  keyType: z.literal('OCR'),
  id: z.string(),
  onChainSigningAddress: z
    .string()
    .regex(/^ocrsad_0x[0-9a-fA-F]{40}$/, { error: 'expected ocrsad_0x and a 20-byte address' }),
  offChainPublicKey: z
    .string()
    .regex(/^ocroff_[0-9a-fA-F]{64}$/, { error: 'expected ocroff_ and 32 bytes of hex' }),
  configPublicKey: z
    .string()
    .regex(/^ocrcfg_[0-9a-fA-F]{64}$/, { error: 'expected ocrcfg_ and 32 bytes of hex' }),
  crypto: keystoreCryptoSchema,
});

const bundleSchema = z.object({
  EcdsaD: z.string().regex(/^[1-9][0-9]{0,77}$/, { error: 'expected a positive decimal number' }),
  Ed25519PrivKey: z.base64({ error: 'expected base64' }).length(88, { error: 'expected 64 bytes' }),
  OffChainEncryption: z.array(z.int().min(0).max(255)).length(32),
});

const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const FORMAT = "Chainlink's OCR key bundle export";
const passwordOf = (password: string): string => `ocrkey${password}`;

/** The public keys an `ocr_key.json` states, as @oracle/evm writes them; readable without the password (checked when the keys are loaded). */
export function chainlinkOcrPublicOf(
  path: string,
  text: string,
): Omit<OracleKeysPublic, 'transmitterAddress'> {
  const file = parseKeyFile(path, text, ocrExportSchema, FORMAT);
  return {
    onchainSigningAddress: getAddress(file.onChainSigningAddress.slice('ocrsad_'.length)),
    offchainPublicKey: `0x${file.offChainPublicKey.slice('ocroff_'.length).toLowerCase()}`,
    configPublicKey: `0x${file.configPublicKey.slice('ocrcfg_'.length).toLowerCase()}`,
  };
}

/** The OCR keys of an `ocr_key.json` (every key of an oracle but the transmitter's), checked against the public keys it states. */
export async function readChainlinkOcrKey(
  path: string,
  password: string,
): Promise<Omit<OracleSecretKeys, 'transmitterPrivateKey'>> {
  const file = parseKeyFile(path, await readProvidedSecretFile(path), ocrExportSchema, FORMAT);
  const plaintext = (await decryptKeyFile(path, file.crypto, passwordOf(password))).toString('utf8');
  const bundle = parseBundle(path, plaintext);
  const ed25519 = Buffer.from(bundle.Ed25519PrivKey, 'base64');
  const scalar = BigInt(bundle.EcdsaD);
  if (scalar >= SECP256K1_ORDER)
    throw new Error(`key file ${path}: EcdsaD is not a valid secp256k1 private key`);
  const keys = {
    onchainSigningKey: toBeHex(scalar, 32),
    offchainPrivateKey: hexlify(ed25519.subarray(0, 32)),
    configPrivateKey: hexlify(Uint8Array.from(bundle.OffChainEncryption)),
  };
  const offchainPublicKey = ed25519PublicKey(getBytes(keys.offchainPrivateKey));
  if (!ed25519.subarray(32).equals(offchainPublicKey))
    throw new Error(`key file ${path}: Ed25519PrivKey holds a public key that does not match its seed`);
  const address = computeAddress(keys.onchainSigningKey);
  const mismatch = (field: string): Error =>
    new Error(`key file ${path}: ${field} does not match the private key`);
  if (`ocrsad_${address}`.toLowerCase() !== file.onChainSigningAddress.toLowerCase())
    throw mismatch('onChainSigningAddress');
  if (`ocroff_${hexlify(offchainPublicKey).slice(2)}` !== file.offChainPublicKey.toLowerCase())
    throw mismatch('offChainPublicKey');
  const configPublicKey = x25519PublicKey(getBytes(keys.configPrivateKey));
  if (`ocrcfg_${hexlify(configPublicKey).slice(2)}` !== file.configPublicKey.toLowerCase())
    throw mismatch('configPublicKey');
  return keys;
}

/** Parses the decrypted bundle; EcdsaD, a number beyond 2^53, is read from its source text. */
function parseBundle(path: string, plaintext: string): z.output<typeof bundleSchema> {
  let json: unknown;
  try {
    json = JSON.parse(plaintext, (key, value: unknown, context?: { source?: string }) =>
      key === 'EcdsaD' && typeof value === 'number' ? context?.source : value,
    );
  } catch {
    throw new Error(`key file ${path}: the decrypted key bundle is not JSON`);
  }
  const parsed = bundleSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `key file ${path}: the decrypted key bundle is malformed (${issue?.path.join('.')}: ${issue?.message})`,
    );
  }
  return parsed.data;
}

/** Writes `path` (a fresh temporary path: see createSecretFile) as Chainlink exports an OCR key bundle. */
export async function writeChainlinkOcrKey(
  path: string,
  keys: Omit<OracleSecretKeys, 'transmitterPrivateKey'>,
  password: string,
  scrypt?: ScryptParams,
): Promise<void> {
  const seed = getBytes(keys.offchainPrivateKey);
  const offchainPublicKey = ed25519PublicKey(seed);
  // Go's encoding/json of the bundle, byte for byte: the id is the hash of exactly these bytes.
  const plaintext =
    `{"EcdsaD":${BigInt(keys.onchainSigningKey).toString(10)},` +
    `"Ed25519PrivKey":"${Buffer.concat([seed, offchainPublicKey]).toString('base64')}",` +
    `"OffChainEncryption":[${getBytes(keys.configPrivateKey).join(',')}]}`;
  const file = {
    keyType: 'OCR',
    id: createHash('sha256').update(plaintext).digest('hex'),
    onChainSigningAddress: `ocrsad_${computeAddress(keys.onchainSigningKey).toLowerCase()}`,
    offChainPublicKey: `ocroff_${hexlify(offchainPublicKey).slice(2)}`,
    configPublicKey: `ocrcfg_${hexlify(x25519PublicKey(getBytes(keys.configPrivateKey))).slice(2)}`,
    crypto: await encryptKeystoreCrypto(Buffer.from(plaintext, 'utf8'), passwordOf(password), scrypt),
  };
  await writeFile(path, JSON.stringify(file), { mode: 0o600, flag: 'wx' });
}
