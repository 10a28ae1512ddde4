import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateNodeServices } from './generate-services.js';

const OVERLAY = resolve(import.meta.dirname, '../../../rootfs/etc/s6-overlay');

describe('generateNodeServices', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'generate-services-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const sourceDir = join(dir, 's6-rc.d');
  await cp(join(OVERLAY, 's6-rc.d'), sourceDir, { recursive: true });
  const generate = (totalNodes: number) =>
    generateNodeServices({
      sourceDir,
      templateDir: join(OVERLAY, 'templates/node'),
      totalNodes,
      bootstrapNodes: [1],
    });
  const nodesIn = async (path: string) =>
    (await readdir(path)).filter((name) => name.startsWith('node-') && name !== 'node-keys').sort();

  it('writes node-1..N with their index, dependencies and bundle entries', async () => {
    expect(await generate(5)).toEqual(['node-1', 'node-2', 'node-3', 'node-4', 'node-5']);
    expect(await readFile(join(sourceDir, 'node-3/run'), 'utf8')).toContain('scripts/node-run" 3');
    expect(await readFile(join(sourceDir, 'node-3/finish'), 'utf8')).toContain('service-finish" node-3 "$@"');
    expect((await readdir(join(sourceDir, 'node-1/dependencies.d'))).sort()).toEqual([
      'base',
      'confidential-admin',
      'node-keys',
      'postgres-init',
      'price-aggregator',
    ]);
    expect((await readdir(join(sourceDir, 'node-4/dependencies.d'))).sort()).toEqual([
      'base',
      'confidential-admin',
      'node-1',
      'node-keys',
      'postgres-init',
      'price-aggregator',
    ]);
    expect(await nodesIn(join(sourceDir, 'user/contents.d'))).toEqual([
      'node-1',
      'node-2',
      'node-3',
      'node-4',
      'node-5',
    ]);
  });

  it('changes N when totalNodes changes, leaving no service of a larger N behind', async () => {
    await generate(7);
    expect(await nodesIn(sourceDir)).toHaveLength(7);
    await generate(4);
    expect(await nodesIn(sourceDir)).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
    expect(await nodesIn(join(sourceDir, 'user/contents.d'))).toEqual([
      'node-1',
      'node-2',
      'node-3',
      'node-4',
    ]);
    expect(existsSync(join(sourceDir, 'node-5'))).toBe(false);
  });
});
