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

/**
 * Creates every file of `writes` (createSecretFile) or, when any of them exists, none: refuses,
 * naming the first that exists. For keys that must never replace others.
 */
export async function createNewSecretFiles(
  writes: readonly (readonly [path: string, write: (tmpPath: string) => Promise<void>])[],
): Promise<void> {
  const exists = (path: string): Error =>
    new Error(`key file ${path} exists: keys are never replaced (move it away first)`);
  for (const [path] of writes) {
    const found = await lstat(path).then(
      () => true,
      () => false,
    );
    if (found) throw exists(path);
  }
  for (const [path, write] of writes) if (!(await createSecretFile(path, write))) throw exists(path);
}

/** Key files are a few hundred bytes; anything much larger is not one, and is not read whole. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

/**
 * Throws unless `path` is a regular file of key-file size that `forbidden` mode bits leave closed
 * (0o077: owner only; 0o007: owner and group). Errors name the file, never its content.
 */
async function assertKeyFile(path: string, forbidden: number, who: string, fix: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`key file ${path} does not exist`);
    throw new Error(`key file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!stats.isFile()) throw new Error(`key file ${path} is not a regular file`);
  if ((stats.mode & forbidden) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
    throw new Error(`key file ${path} must not be accessible by ${who} (mode ${mode}; ${fix})`);
  }
  if (stats.size > MAX_KEY_FILE_BYTES)
    throw new Error(`key file ${path} is ${stats.size} bytes: too large to be a key file`);
}

/** Throws unless `path` is a regular file accessible by its owner only. The error names the file, never its content. */
export async function assertOwnerOnly(path: string): Promise<void> {
  await assertKeyFile(path, 0o077, 'group or others', 'chmod 600 it');
}

/** Reads a file that must be accessible by its owner only. */
export async function readSecretFile(path: string): Promise<string> {
  await assertOwnerOnly(path);
  return readFile(path, 'utf8');
}

/**
 * Reads a key file the platform provides among its secrets (the Chainlink layout): others must have
 * no access; its group may read it (the image's secrets-access step gives it to the node user's
 * group, mode 0640).
 */
export async function readProvidedSecretFile(path: string): Promise<string> {
  await assertKeyFile(path, 0o007, 'others', 'chmod 600 or 640 it');
  return readFile(path, 'utf8');
}
