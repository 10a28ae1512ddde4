/**
 * How production starts the aggregator — the environment and Node flags on the command line of its
 * s6 run script — read from that script, so the benchmark measures exactly what runs and the two
 * can never drift apart.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The s6 run script, seen from dist/bench/. */
export const RUN_SCRIPT = fileURLToPath(
  new URL('../../../../rootfs/etc/s6-overlay/scripts/price-aggregator-run', import.meta.url),
);

export interface Launch {
  /** Variables the script sets for the process (`env NAME=value ... node`). */
  readonly env: Readonly<Record<string, string>>;
  /** Node's own flags, before main.js. */
  readonly nodeFlags: readonly string[];
}

/** The script's line `run_as price-aggregator [env NAME=value ...] node [--flag ...] "$APP_DIR/apps/price-aggregator/dist/main.js"`. */
const COMMAND =
  /^run_as price-aggregator (?:env((?: [A-Z_][A-Z0-9_]*=[^\s"'$]+)+) )?node((?: --[^\s"'$]+)*) "\$APP_DIR\/apps\/price-aggregator\/dist\/main\.js"$/m;

export function productionLaunch(script = RUN_SCRIPT): Launch {
  const match = COMMAND.exec(readFileSync(script, 'utf8'));
  if (!match)
    throw new Error(
      `${script}: no line 'run_as price-aggregator [env NAME=value ...] node [--flag ...] "$APP_DIR/apps/price-aggregator/dist/main.js"'`,
    );
  const words = (text: string | undefined): string[] => (text ?? '').split(' ').filter(Boolean);
  return {
    env: Object.fromEntries(words(match[1]).map((word) => word.split('=', 2) as [string, string])),
    nodeFlags: words(match[2]),
  };
}

/** The launch as a shell would read it, for the report. */
export function describeLaunch({ env, nodeFlags }: Launch): string {
  return [...Object.entries(env).map(([k, v]) => `${k}=${v}`), 'node', ...nodeFlags].join(' ');
}
