import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeConfig, NodeSecret } from '@oracle/config';
import { z } from 'zod';
import { readKeystorePassword } from '../keys/keystore-password.js';
import { loadNodeKeys, type NodeKeys } from '../keys/node-keys.js';

const KEYS_HINT =
  'generate the keys with: node apps/node-runner/dist/keys/cli.js generate --nodes <totalNodes> --out <spSecretsDir>';

/** This node's keys, from the files the keys CLI wrote; errors name the file, never key material. */
export async function loadKeysOf(node: NodeConfig): Promise<NodeKeys> {
  const passwordFile = node.keys.password.origin === 'generated' ? node.keys.password.file : undefined;
  for (const file of [node.keys.p2pKeyFile, node.keys.ocrKeyFile, passwordFile]) {
    if (file !== undefined) await mustExist(file, `key file ${file} does not exist: ${KEYS_HINT}`);
  }
  const passphrase =
    node.keys.password.origin === 'configuration'
      ? node.keys.password.secret.reveal()
      : await readKeystorePassword(node.keys.password.file);
  return loadNodeKeys(
    {
      dir: node.keys.dir,
      p2pKeyFile: node.keys.p2pKeyFile,
      ocrKeyFile: node.keys.ocrKeyFile,
      keystorePasswordFile: join(node.keys.dir, 'keystore-password'),
    },
    passphrase,
  );
}

/** A password given in the configuration, or generated on first boot into a file (by postgres-init). */
export async function readNodeSecret(secret: NodeSecret, what: string): Promise<string> {
  if (secret.origin === 'configuration') return secret.secret.reveal();
  await mustExist(secret.file, `${what} file ${secret.file} does not exist (postgres-init generates it)`);
  return (await readFile(secret.file, 'utf8')).trim();
}

const p2pPublicSchema = z.object({ public: z.object({ peerId: z.string().min(1) }) });

/** The peer id in another node's P2P key file: its public part, readable without that node's passphrase. */
export async function readPeerId(p2pKeyFile: string): Promise<string> {
  await mustExist(p2pKeyFile, `bootstrap key file ${p2pKeyFile} does not exist: ${KEYS_HINT}`);
  const parsed = p2pPublicSchema.safeParse(JSON.parse(await readFile(p2pKeyFile, 'utf8')));
  if (!parsed.success) throw new Error(`key file ${p2pKeyFile} has no public peer id`);
  return parsed.data.public.peerId;
}

async function mustExist(file: string, message: string): Promise<void> {
  try {
    await access(file);
  } catch {
    throw new Error(message);
  }
}
