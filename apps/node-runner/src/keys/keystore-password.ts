import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createSecretFile, readSecretFile } from './secret-files.js';

/**
 * The passphrase sealing a node's key files when the configuration gives none
 * (`nodes.keystorePassword`): 32 random bytes, hex, in `<keys dir>/keystore-password`, mode 0600.
 */
export async function ensureKeystorePassword(file: string): Promise<string> {
  await createSecretFile(file, (tmp) =>
    writeFile(tmp, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' }),
  );
  return readKeystorePassword(file);
}

export async function readKeystorePassword(file: string): Promise<string> {
  const passphrase = (await readSecretFile(file)).trim();
  if (passphrase.length < 16)
    throw new Error(`keystore password file ${file} holds fewer than 16 characters`);
  return passphrase;
}
