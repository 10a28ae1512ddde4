import { writeFile } from 'node:fs/promises';
import { generateKeyPairFromSeed, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { z } from 'zod';
import { parseKeyFile } from './key-file-json.js';
import { decryptKeyFile, encryptKeystoreCrypto, keystoreCryptoSchema } from './keystore-v3.js';
import { p2pPeerId } from './p2p-key.js';
import type { ScryptParams } from './scrypt.js';
import { readProvidedSecretFile } from './secret-files.js';

/**
 * `p2p_key.json` of the Chainlink layout: Chainlink's encrypted P2P key export. The plaintext is
 * the libp2p protobuf private key, `08 01 12 40 ‖ seed ‖ public key` (Ed25519); the password is
 * "p2pkey" + the keystore password. `publicKey` is the raw public key in hex (older Chainlink
 * versions wrote it 0x-prefixed, as the 36-byte protobuf public key: both are read).
 */
const PROTOBUF_PRIVATE_PREFIX = '08011240';
const PROTOBUF_PUBLIC_PREFIX = '08011220';
const PEER_ID = /^(?:p2p_)?(12D3KooW[1-9A-HJ-NP-Za-km-z]{44})$/;

const p2pExportSchema = z.object({
  keyType: z.literal('P2P'),
  publicKey: z
    .string()
    .regex(/^(?:0x)?(?:08011220)?[0-9a-fA-F]{64}$/, { error: 'expected an Ed25519 public key in hex' }),
  peerID: z.string().regex(PEER_ID, { error: 'expected a peer id p2p_12D3KooW…' }),
  crypto: keystoreCryptoSchema,
});

const FORMAT = "Chainlink's P2P key export";
const passwordOf = (password: string): string => `p2pkey${password}`;

/** The peer id a P2P export states, readable without the password (checked when the key is loaded). */
export function chainlinkPeerIdOf(path: string, text: string): string {
  const file = parseKeyFile(path, text, p2pExportSchema, FORMAT);
  return PEER_ID.exec(file.peerID)?.[1] as string;
}

/** The Ed25519 private key of a `p2p_key.json`, checked against its public key and peer id. */
export async function readChainlinkP2pKey(path: string, password: string): Promise<PrivateKey> {
  const file = parseKeyFile(path, await readProvidedSecretFile(path), p2pExportSchema, FORMAT);
  const plaintext = (await decryptKeyFile(path, file.crypto, passwordOf(password))).toString('hex');
  if (plaintext.length !== 2 * 68 || !plaintext.startsWith(PROTOBUF_PRIVATE_PREFIX))
    throw new Error(`key file ${path}: the decrypted key is not a libp2p Ed25519 private key`);
  const key = await generateKeyPairFromSeed('Ed25519', Buffer.from(plaintext.slice(8, 72), 'hex'));
  const publicKey = Buffer.from(key.publicKey.raw).toString('hex');
  if (plaintext.slice(72) !== publicKey)
    throw new Error(`key file ${path}: the decrypted key holds a public key that does not match its seed`);
  const stated = file.publicKey.toLowerCase().replace(/^0x/, '');
  if ((stated.length === 72 ? stated.slice(PROTOBUF_PUBLIC_PREFIX.length) : stated) !== publicKey)
    throw new Error(`key file ${path}: publicKey does not match the private key`);
  if (p2pPeerId(key) !== PEER_ID.exec(file.peerID)?.[1])
    throw new Error(`key file ${path}: peerID does not match the private key`);
  return key;
}

/** Writes `path` (a fresh temporary path: see createSecretFile) as Chainlink exports a P2P key. */
export async function writeChainlinkP2pKey(
  path: string,
  key: PrivateKey,
  password: string,
  scrypt?: ScryptParams,
): Promise<void> {
  const file = {
    keyType: 'P2P',
    publicKey: Buffer.from(key.publicKey.raw).toString('hex'),
    peerID: `p2p_${p2pPeerId(key)}`,
    crypto: await encryptKeystoreCrypto(privateKeyToProtobuf(key), passwordOf(password), scrypt),
  };
  await writeFile(path, JSON.stringify(file), { mode: 0o600, flag: 'wx' });
}
