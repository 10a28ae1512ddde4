import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { describeLaunch, runScriptLaunch } from './run-script-launch.js';
import { makeTempDir, type TempDir } from './temp-dir.js';

const scripts = fileURLToPath(new URL('../../../rootfs/etc/s6-overlay/scripts/', import.meta.url));
let dir: TempDir | undefined;

afterEach(async () => {
  await dir?.remove();
  dir = undefined;
});

async function script(text: string): Promise<string> {
  dir = await makeTempDir('run-script');
  const path = join(dir.path, 'run');
  await writeFile(path, text);
  return path;
}

describe('runScriptLaunch', () => {
  it('reads the image run scripts of the nodes and the aggregator', () => {
    const node = runScriptLaunch(join(scripts, 'node-run'));
    expect(node.nodeFlags).toContain('--max-semi-space-size=2');
    expect(node.env.MALLOC_ARENA_MAX).toBe('2');
    const aggregator = runScriptLaunch(join(scripts, 'price-aggregator-run'));
    expect(aggregator).toEqual({ env: {}, nodeFlags: ['--max-semi-space-size=2'] });
    expect(describeLaunch(aggregator)).toBe('node --max-semi-space-size=2');
  });

  it('keeps a value whole when it contains "="', async () => {
    const launch = runScriptLaunch(
      await script("node_flags='--a --b=1'\nnode_environment='GLIBC_TUNABLES=glibc.malloc.mxfast=0 X=1'\n"),
    );
    expect(launch.env).toEqual({ GLIBC_TUNABLES: 'glibc.malloc.mxfast=0', X: '1' });
    expect(describeLaunch(launch, 'main.js')).toBe(
      'GLIBC_TUNABLES=glibc.malloc.mxfast=0 X=1 node --a --b=1 main.js',
    );
  });

  it('names the script and the line it lacks or cannot read', async () => {
    const noFlags = await script("node_environment=''\n");
    expect(() => runScriptLaunch(noFlags)).toThrow(`${noFlags} has no node_flags='...' line`);
    await dir?.remove();
    const badWord = await script("node_flags=''\nnode_environment='NOEQUALS'\n");
    expect(() => runScriptLaunch(badWord)).toThrow("node_environment word 'NOEQUALS' is not NAME=value");
  });
});
