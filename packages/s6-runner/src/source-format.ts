/**
 * Reads an s6-rc *source* directory (the format s6-rc-compile takes, as in the image's
 * /etc/s6-overlay/s6-rc.d): one folder per service with `type`, `dependencies.d/`, `contents.d/`,
 * `up`, `down`, `run`, `finish`, `notification-fd`, `timeout-up`. Only the subset that both s6-rc and
 * a plain s6-svscan understand is supported; anything else is an error, so the tree stays portable.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export type ServiceType = 'oneshot' | 'longrun' | 'bundle';

export interface ServiceDefinition {
  readonly name: string;
  readonly type: ServiceType;
  readonly dir: string;
  readonly dependencies: readonly string[];
  /** Members of a bundle. */
  readonly contents: readonly string[];
  /** Oneshot: the `up` command line (execline syntax; ours is always one absolute script path). */
  readonly up?: string;
  readonly down?: string;
  /** Longrun: the fd on which the service writes a newline when ready. */
  readonly notificationFd?: number;
  /** ms; 0 or absent = no limit. */
  readonly timeoutUpMs?: number;
}

const KNOWN_ENTRIES = new Set([
  'type',
  'dependencies.d',
  'contents.d',
  'up',
  'down',
  'run',
  'finish',
  'notification-fd',
  'down-signal',
  'timeout-up',
  'timeout-down',
  'data',
  'producer-for',
  'consumer-for',
  'pipeline-name',
]);

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function listOptional(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).filter((name) => !name.startsWith('.')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The execline `up`/`down` file: comments and blank lines dropped, the rest joined. */
function commandLine(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .join(' ');
  return line || undefined;
}

export async function readServiceDefinition(dir: string, name: string): Promise<ServiceDefinition> {
  const typeText = (await readOptional(join(dir, 'type')))?.trim();
  if (typeText !== 'oneshot' && typeText !== 'longrun' && typeText !== 'bundle') {
    throw new Error(
      `service ${name}: type must be oneshot, longrun or bundle (got ${JSON.stringify(typeText)})`,
    );
  }
  for (const entry of await listOptional(dir)) {
    if (!KNOWN_ENTRIES.has(entry)) throw new Error(`service ${name}: unsupported entry ${entry}`);
  }
  const fdText = (await readOptional(join(dir, 'notification-fd')))?.trim();
  const timeoutText = (await readOptional(join(dir, 'timeout-up')))?.trim();
  const definition: ServiceDefinition = {
    name,
    type: typeText,
    dir,
    dependencies: await listOptional(join(dir, 'dependencies.d')),
    contents: await listOptional(join(dir, 'contents.d')),
    up: commandLine(await readOptional(join(dir, 'up'))),
    down: commandLine(await readOptional(join(dir, 'down'))),
    notificationFd: fdText ? Number(fdText) : undefined,
    timeoutUpMs: timeoutText ? Number(timeoutText) : undefined,
  };
  if (definition.type === 'oneshot' && !definition.up) throw new Error(`service ${name}: oneshot without up`);
  if (definition.type === 'longrun') {
    const run = await stat(join(dir, 'run')).catch(() => undefined);
    if (!run?.isFile()) throw new Error(`service ${name}: longrun without run`);
  }
  if (definition.notificationFd !== undefined && !Number.isInteger(definition.notificationFd)) {
    throw new Error(`service ${name}: notification-fd must be an integer`);
  }
  return definition;
}

export async function readSourceDir(sourceDir: string): Promise<Map<string, ServiceDefinition>> {
  const services = new Map<string, ServiceDefinition>();
  for (const name of await listOptional(sourceDir)) {
    const dir = join(sourceDir, name);
    if (!(await stat(dir)).isDirectory()) continue;
    services.set(name, await readServiceDefinition(dir, name));
  }
  return services;
}
