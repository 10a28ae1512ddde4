import { chmod, lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePrivateFile, writeSecretFile } from './private-file.js';

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('private files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'private-file-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('creates a file 0600, and replaces one that was readable by others', async () => {
    const fresh = join(dir, 'fresh.json');
    await writePrivateFile(fresh, '{"private_keys":[]}');
    expect(await mode(fresh)).toBe(0o600);

    const old = join(dir, 'anvil.json');
    await writeFile(old, 'old keys');
    await chmod(old, 0o644);
    await writePrivateFile(old);
    expect(await mode(old)).toBe(0o600);
    expect(await readFile(old, 'utf8')).toBe('');
  });

  it('replaces a symbolic link instead of writing through it', async () => {
    const target = join(dir, 'elsewhere');
    await writeFile(target, 'untouched');
    const link = join(dir, 'link.json');
    await symlink(target, link);
    await writePrivateFile(link, 'keys');
    expect((await lstat(link)).isSymbolicLink()).toBe(false);
    expect(await mode(link)).toBe(0o600);
    expect(await readFile(target, 'utf8')).toBe('untouched');
  });

  it('writes a secret 0600 in 0700 directories up to the secrets directory, existing ones too', async () => {
    const run = join(dir, 'run');
    const secrets = join(run, 'secrets');
    await mkdir(join(secrets, 'faucet'), { recursive: true });
    await writeFile(join(secrets, 'faucet', 'private-key'), 'old\n');
    // Modes set explicitly: what mkdir and writeFile give depends on the umask.
    for (const d of [run, secrets, join(secrets, 'faucet')]) await chmod(d, 0o755);
    await chmod(join(secrets, 'faucet', 'private-key'), 0o644);

    await writeSecretFile(`${secrets}/`, 'faucet/private-key', '0xabc\n');
    await writeSecretFile(secrets, 'api-keys/binance', 'k\n');

    expect(await readFile(join(secrets, 'faucet', 'private-key'), 'utf8')).toBe('0xabc\n');
    expect(await mode(join(secrets, 'faucet', 'private-key'))).toBe(0o600);
    expect(await mode(join(secrets, 'api-keys', 'binance'))).toBe(0o600);
    for (const d of [secrets, join(secrets, 'faucet'), join(secrets, 'api-keys')])
      expect({ d, mode: await mode(d) }).toEqual({ d, mode: 0o700 });
    expect(await mode(run)).toBe(0o755); // nothing above the secrets directory is touched
    await expect(writeSecretFile(secrets, '../escape', 'x')).rejects.toThrow(/not under/);
  });
});
