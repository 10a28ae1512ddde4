import { randomBytes } from 'node:crypto';
import { chmod, link, lstat, mkdir, readFile, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Creates `dir` and missing parents with mode 0700 (the umask can only remove bits); an existing directory is left as it is. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/**
 * Creates `path` with mode 0600 unless it exists: `write` fills a temporary file next to it, which
 * is then hard-linked into place. link() fails if the name is taken, so an existing key is never
 * replaced, even by a concurrent run, and no reader ever sees a half-written file.
 * Returns false (without calling `write`) when the file already exists.
 */
export async function createSecretFile(
  path: string,
  write: (tmpPath: string) => Promise<void>,
): Promise<boolean> {
  if (
    await lstat(path).then(
      () => true,
      () => false,
    )
  )
    return false;
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await write(tmp);
    await chmod(tmp, 0o600);
    await link(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** Throws unless `path` is a regular file accessible by its owner only. The error names the file, never its content. */
export async function assertOwnerOnly(path: string): Promise<void> {
  const stats = await lstat(path);
  if (!stats.isFile()) throw new Error(`key file ${path} is not a regular file`);
  if ((stats.mode & 0o077) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
    throw new Error(
      `key file ${path} must not be accessible by group or others (mode ${mode}; chmod 600 it)`,
    );
  }
}

/** Reads a file that must be accessible by its owner only. */
export async function readSecretFile(path: string): Promise<string> {
  await assertOwnerOnly(path);
  return readFile(path, 'utf8');
}
