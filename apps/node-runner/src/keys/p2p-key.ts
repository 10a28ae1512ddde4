import { writeFile } from 'node:fs/promises';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { z } from 'zod';
import { parseKeyFile } from './key-file-json.js';
import type { ScryptParams } from './scrypt.js';
import { sealedSecretSchema, sealSecret, unsealSecret } from './sealed-secret.js';
import { readSecretFile } from './secret-files.js';

/**
 * `p2p-key.json` of the sealed layout: the node's P2P identity, an Ed25519 key whose peer id
 * (`12D3KooW…`) is in the contract config. The peer id in clear, the libp2p protobuf private key
 * bytes (`08 01 12 40 ‖ seed ‖ public key`, hex) sealed with the node's keystore passphrase.
 */
const p2pKeyFileSchema = z.strictObject({
  version: z.literal(1),
  type: z.literal('libp2p-ed25519'),
  public: z.strictObject({ peerId: z.string().min(1) }),
  sealedSecret: sealedSecretSchema,
});

const FORMAT = 'a P2P key file';

export async function generateP2pKey(): Promise<PrivateKey> {
  return generateKeyPair('Ed25519');
}

export function p2pPeerId(key: PrivateKey): string {
  return peerIdFromPrivateKey(key).toString();
}

/** Writes the key file to `path` (a fresh temporary path: see createSecretFile), mode 0600. */
export async function writeP2pKeyFile(
  path: string,
  key: PrivateKey,
  passphrase: string,
  scrypt?: ScryptParams,
): Promise<void> {
  const protobufHex = Buffer.from(privateKeyToProtobuf(key)).toString('hex');
  const file: z.input<typeof p2pKeyFileSchema> = {
    version: 1,
    type: 'libp2p-ed25519',
    public: { peerId: p2pPeerId(key) },
    sealedSecret: await sealSecret(protobufHex, passphrase, scrypt),
  };
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
}

/** The peer id the file states, readable without the passphrase (checked when the key is loaded). */
export function p2pPeerIdOf(path: string, text: string): string {
  return parseKeyFile(path, text, p2pKeyFileSchema, FORMAT).public.peerId;
}

/** Loads and checks a P2P key file; errors name the file and the problem, never key material. */
export async function readP2pKeyFile(path: string, passphrase: string): Promise<PrivateKey> {
  const file = parseKeyFile(path, await readSecretFile(path), p2pKeyFileSchema, FORMAT);
  let key: PrivateKey;
  try {
    key = privateKeyFromProtobuf(Buffer.from(await unsealSecret(file.sealedSecret, passphrase), 'hex'));
  } catch (error) {
    const reason =
      error instanceof Error && error.message.startsWith('wrong passphrase')
        ? error.message
        : 'not a libp2p private key';
    throw new Error(`key file ${path}: ${reason}`);
  }
  if (key.type !== 'Ed25519') throw new Error(`key file ${path}: expected an Ed25519 key, found ${key.type}`);
  if (p2pPeerId(key) !== file.public.peerId)
    throw new Error(`key file ${path}: peerId does not match the private key`);
  return key;
}
