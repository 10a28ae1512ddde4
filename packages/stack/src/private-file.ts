/**
 * Files of the local stack that hold keys (anvil's dev accounts, the faucet key, API keys): readable
 * by their owner only, whatever was there before.
 */
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Makes `path` a new file holding `content`, mode 0600. Whatever was there is removed first (a
 * file with wider permissions, or a symbolic link, which is replaced rather than followed), and the
 * new one is created exclusively, so it never exists with other permissions, even for a moment.
 * A program that then rewrites the file in place (anvil's `--config-out`) keeps the mode.
 */
export async function writePrivateFile(path: string, content = ''): Promise<void> {
  await rm(path, { force: true });
  await writeFile(path, content, { mode: 0o600, flag: 'wx' });
}

/**
 * Writes `content` to `file` under `dir`, a directory that holds nothing but secrets: the file 0600
 * (as writePrivateFile) and `dir` and every directory between them 0700, existing ones included.
 */
export async function writeSecretFile(dir: string, file: string, content: string): Promise<void> {
  const root = resolve(dir);
  const path = resolve(root, file);
  const rel = relative(root, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    throw new Error(`secret file ${file} is not under ${dir}`);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // From the file's directory up to `root` and no further: both are resolved and `path` lies under
  // `root`, so the walk meets it exactly.
  for (let at = dirname(path); ; at = dirname(at)) {
    await chmod(at, 0o700);
    if (at === root) break;
  }
  await writePrivateFile(path, content);
}
