import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeConfig, NodeSecret } from '@oracle/config';
import { loadChainlinkNodeKeys } from '../keys/chainlink-layout.js';
import { readKeystorePassword } from '../keys/keystore-password.js';
import { loadNodeKeys, type NodeKeys } from '../keys/node-keys.js';

const KEYS_HINT =
  'generate the keys with: node apps/node-runner/dist/keys/cli.js generate --nodes <totalNodes> --out <spSecretsDir>';
const CHAINLINK_HINT =
  "the chainlink key layout (nodes.keys) loads the Go Chainlink nodes' key exports from <spSecretsDir>/<nodes.keys.dir>/<i>/: nothing is generated";

/** This node's keys, in the configured layout; errors name the file, never key material. */
export async function loadKeysOf(node: NodeConfig): Promise<NodeKeys> {
  const { keys } = node;
  if (keys.layout === 'chainlink') {
    if (keys.password.origin !== 'configuration')
      throw new Error(
        'the chainlink key layout needs nodes.keystorePassword, the password of the key exports',
      );
    for (const file of [keys.evmKeyFile, keys.p2pKeyFile, keys.ocrKeyFile])
      await mustExist(file, `key file ${file} does not exist: ${CHAINLINK_HINT}`);
    return loadChainlinkNodeKeys(keys, keys.password.secret.reveal());
  }
  const passwordFile = keys.password.origin === 'generated' ? keys.password.file : undefined;
  for (const file of [keys.p2pKeyFile, keys.ocrKeyFile, passwordFile]) {
    if (file !== undefined) await mustExist(file, `key file ${file} does not exist: ${KEYS_HINT}`);
  }
  const passphrase =
    keys.password.origin === 'configuration'
      ? keys.password.secret.reveal()
      : await readKeystorePassword(keys.password.file);
  return loadNodeKeys(
    {
      dir: keys.dir,
      p2pKeyFile: keys.p2pKeyFile,
      ocrKeyFile: keys.ocrKeyFile,
      keystorePasswordFile: join(keys.dir, 'keystore-password'),
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

async function mustExist(file: string, message: string): Promise<void> {
  try {
    await access(file);
  } catch {
    throw new Error(message);
  }
}
