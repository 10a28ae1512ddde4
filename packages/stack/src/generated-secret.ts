import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

/**
 * Reads a generated secret, creating it on first boot: 32 random bytes, base64url, in a 0600 file
 * inside a 0700 directory, owned by `owner` when given (the service user that must read it).
 * An existing file is never overwritten.
 */
export async function ensureGeneratedSecret(file: string, owner?: Owner): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const value = randomBytes(32).toString('base64url');
  await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  if (owner) {
    await chown(dirname(file), owner.uid, owner.gid);
    await chown(file, owner.uid, owner.gid);
  }
  return value;
}
