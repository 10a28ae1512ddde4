import { posix } from 'node:path';
import { z } from 'zod';

/**
 * Where the nodes' keys come from. `sealed` (the default, for new deployments): each node's keys
 * are generated on first boot into `<spSecretsDir>/nodes/<i>/`, sealed with `nodes.keystorePassword`
 * or a generated password. `chainlink`: the keys a Go Chainlink deployment already has on chain,
 * node i loading Chainlink's key exports from `<spSecretsDir>/<dir>/<i>/` (nothing is generated).
 */
export const nodeKeysSchema = z
  .discriminatedUnion('layout', [
    z.strictObject({
      layout: z.literal('sealed').describe('Keys generated on first boot into <spSecretsDir>/nodes/<i>/'),
    }),
    z.strictObject({
      layout: z
        .literal('chainlink')
        .describe(
          "A Go Chainlink deployment's keys: node i loads <spSecretsDir>/<dir>/<i>/{evm_key.json, p2p_key.json, ocr_key.json}, all encrypted with nodes.keystorePassword",
        ),
      dir: z
        .string()
        .min(1)
        .default('cl-secrets')
        .describe("Directory of the nodes' Chainlink key exports, relative to spSecretsDir"),
    }),
  ])
  .default({ layout: 'sealed' });

export type NodeKeysSettings = z.output<typeof nodeKeysSchema>;

interface Finding {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The chainlink layout needs the password of the exports, and a directory under spSecretsDir. */
export function* nodeKeyFindings(s: {
  readonly spSecretsDir: string;
  readonly nodes: { readonly keys: NodeKeysSettings; readonly keystorePassword?: unknown };
}): Generator<Finding> {
  const keys = s.nodes.keys;
  if (keys.layout !== 'chainlink') return;
  if (s.nodes.keystorePassword === undefined)
    yield {
      path: ['nodes', 'keystorePassword'],
      message:
        'the chainlink key layout needs the password the keys were exported with (CHAINLINK_KEYSTORE_PASSWORD in the reference deployment), as a secret reference',
    };
  const inside = posix.relative(posix.resolve(s.spSecretsDir), posix.resolve(s.spSecretsDir, keys.dir));
  if (inside === '' || inside === '..' || inside.startsWith('../') || posix.isAbsolute(inside))
    yield {
      path: ['nodes', 'keys', 'dir'],
      message: `${JSON.stringify(keys.dir)} is not a directory under spSecretsDir: give it relative to spSecretsDir, e.g. "cl-secrets"`,
    };
}
