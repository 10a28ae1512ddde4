import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface GenerateServicesOptions {
  /** The s6-rc source directory being prepared (image: /run/oracle/s6-rc.d). */
  readonly sourceDir: string;
  /** The node service template (image: /etc/s6-overlay/templates/node). */
  readonly templateDir: string;
  readonly totalNodes: number;
  readonly bootstrapNodes: readonly number[];
  /** Bundle the nodes join. */
  readonly bundle?: string;
}

export const nodeServiceName = (index: number): string => `node-${index}`;

async function substitute(dir: string, placeholder: string, value: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await substitute(path, placeholder, value);
    else if (entry.isFile()) {
      const text = await readFile(path, 'utf8');
      if (text.includes(placeholder)) await writeFile(path, text.replaceAll(placeholder, value));
    }
  }
}

/**
 * Writes node-1..node-N into the source directory from the template: each depends on what the
 * template says (postgres-init, price-aggregator), oracles also on every bootstrap node; all join the
 * bundle. Node services of a previous, larger N are removed.
 */
export async function generateNodeServices(options: GenerateServicesOptions): Promise<string[]> {
  const bundleDir = join(options.sourceDir, options.bundle ?? 'user', 'contents.d');
  await mkdir(bundleDir, { recursive: true });
  for (const entry of await readdir(options.sourceDir)) {
    if (/^node-\d+$/.test(entry)) await rm(join(options.sourceDir, entry), { recursive: true, force: true });
  }
  for (const entry of await readdir(bundleDir)) {
    if (/^node-\d+$/.test(entry)) await rm(join(bundleDir, entry), { force: true });
  }
  const names: string[] = [];
  for (let index = 1; index <= options.totalNodes; index++) {
    const name = nodeServiceName(index);
    const dir = join(options.sourceDir, name);
    await cp(options.templateDir, dir, { recursive: true });
    await substitute(dir, '@NODE_INDEX@', String(index));
    if (!options.bootstrapNodes.includes(index)) {
      for (const bootstrap of options.bootstrapNodes) {
        await writeFile(join(dir, 'dependencies.d', nodeServiceName(bootstrap)), '');
      }
    }
    await writeFile(join(bundleDir, name), '');
    names.push(name);
  }
  return names;
}
