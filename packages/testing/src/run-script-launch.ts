import { readFileSync } from 'node:fs';

/** How an s6 run script starts its Node process, as tests and benchmarks must start it too. */
export interface NodeLaunch {
  /** Variables set for the process (`env $node_environment node ...`). */
  readonly env: Readonly<Record<string, string>>;
  /** Node's own flags, before the entry file (`node $node_flags ...`). */
  readonly nodeFlags: readonly string[];
}

/**
 * Reads the `node_flags='...'` and `node_environment='...'` lines of a run script (see
 * rootfs/etc/s6-overlay/scripts/node-run), so a test or benchmark runs the process exactly as the
 * image does. Each environment word is `NAME=value`; the value is everything after the first `=`.
 */
export function runScriptLaunch(script: string): NodeLaunch {
  const text = readFileSync(script, 'utf8');
  const words = (variable: string): string[] => {
    const value = new RegExp(`^${variable}='([^']*)'$`, 'm').exec(text)?.[1];
    if (value === undefined) throw new Error(`${script} has no ${variable}='...' line`);
    return value.split(' ').filter(Boolean);
  };
  return {
    env: Object.fromEntries(
      words('node_environment').map((word) => {
        const equals = word.indexOf('=');
        if (equals < 1) throw new Error(`${script}: node_environment word '${word}' is not NAME=value`);
        return [word.slice(0, equals), word.slice(equals + 1)];
      }),
    ),
    nodeFlags: words('node_flags'),
  };
}

/** The launch as a shell would read it, for reports. */
export function describeLaunch({ env, nodeFlags }: NodeLaunch, ...entry: string[]): string {
  return [
    ...Object.entries(env).map(([name, value]) => `${name}=${value}`),
    'node',
    ...nodeFlags,
    ...entry,
  ].join(' ');
}
