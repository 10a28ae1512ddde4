/**
 * Each app runs as its own user and reads only its own secrets (the scope it passes to
 * loadConfiguration). Operators provide /sp/secrets as root; the `secrets-access` oneshot makes each
 * referenced secret file (and, with the chainlink key layout, the nodes' Chainlink key files)
 * readable by exactly the users that read it: group-owned by their group, mode 0640, and its
 * directories searchable (o+x, no listing) so the file can be reached.
 */
import { chmod, chown, stat } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import {
  AGGREGATOR_SECRETS,
  formatPath,
  isParsedSecretRef,
  nodeKeyFiles,
  nodeSecrets,
  PROCESS_METRICS_SECRETS,
  type ValidatedConfiguration,
} from '@oracle/config';

/** The image's service users and the secrets each reads. */
export function secretReaders(
  cfg: ValidatedConfiguration,
): ReadonlyArray<{ user: string; scope: readonly string[] }> {
  const nodes = Array.from({ length: cfg.solution.totalNodes }, (_, i) => nodeSecrets(i + 1)).flat();
  return [
    { user: 'price-aggregator', scope: AGGREGATOR_SECRETS },
    { user: 'process-metrics', scope: PROCESS_METRICS_SECRETS },
    { user: 'oracle-node', scope: nodes },
  ];
}

/** The group that gives a set of readers access (the image creates them; see the Dockerfile). */
const READER_GROUPS: Readonly<Record<string, string>> = {
  'oracle-node': 'oracle-node',
  'price-aggregator': 'price-aggregator',
  'process-metrics': 'process-metrics',
  'oracle-node,price-aggregator,process-metrics': 'metrics-push',
};

export interface SecretFile {
  /** JSON path of the reference, e.g. solution.faucetPrivateKey. */
  readonly path: string;
  readonly file: string;
  /** Service users that read it, sorted. */
  readonly users: readonly string[];
}

const isWithin = (path: string, prefix: string): boolean =>
  path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);

/** Every `{"file": ...}` secret of the configuration, with the users that read it. */
export function secretFiles(cfg: ValidatedConfiguration): SecretFile[] {
  const readers = secretReaders(cfg);
  const found: SecretFile[] = [];
  const walk = (node: unknown, path: readonly (string | number)[]): void => {
    if (isParsedSecretRef(node)) {
      if ('file' in node) {
        const at = formatPath(path);
        const users = readers
          .filter((r) => r.scope.some((prefix) => isWithin(at, prefix)))
          .map((r) => r.user);
        found.push({ path: at, file: resolve(cfg.solution.spSecretsDir, node.file), users: users.sort() });
      }
    } else if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...path, i]));
    else if (typeof node === 'object' && node !== null) {
      for (const [key, item] of Object.entries(node)) walk(item, [...path, key]);
    }
  };
  walk(cfg, []);
  // A Chainlink deployment's key files: read by the nodes, though no reference names them.
  if (cfg.solution.nodes.keys.layout === 'chainlink') {
    for (let node = 1; node <= cfg.solution.totalNodes; node++) {
      const keys = nodeKeyFiles(cfg, node);
      for (const file of [keys.evmKeyFile, keys.p2pKeyFile, keys.ocrKeyFile])
        found.push({ path: `solution.nodes.keys (node ${node})`, file, users: ['oracle-node'] });
    }
  }
  return found;
}

/**
 * Grants the access; `groupId` looks a group up (undefined when it does not exist). Returns one
 * line per secret; throws on a secret whose readers have no group, naming it.
 */
export async function grantSecretAccess(
  cfg: ValidatedConfiguration,
  groupId: (name: string) => number | undefined,
): Promise<string[]> {
  const done: string[] = [];
  for (const secret of secretFiles(cfg)) {
    if (secret.users.length === 0) continue;
    const group = READER_GROUPS[secret.users.join(',')];
    const gid = group === undefined ? undefined : groupId(group);
    if (gid === undefined)
      throw new Error(`${secret.path}: no group gives ${secret.users.join(' and ')} access`);
    const file = await stat(secret.file).catch((error: NodeJS.ErrnoException) => {
      throw new Error(
        error.code === 'ENOENT'
          ? `${secret.path}: ${secret.file} does not exist`
          : `${secret.path}: ${secret.file} cannot be read (${error.code ?? 'error'})`,
      );
    });
    if (file.gid !== gid) await chown(secret.file, file.uid, gid);
    if ((file.mode & 0o777) !== 0o640) await chmod(secret.file, 0o640);
    for (
      let dir = dirname(secret.file);
      !relative(cfg.solution.spSecretsDir, dir).startsWith('..');
      dir = dirname(dir)
    ) {
      const { mode } = await stat(dir);
      if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001);
      if (dir === cfg.solution.spSecretsDir || dir === dirname(dir)) break;
    }
    done.push(`${secret.path}: readable by ${secret.users.join(', ')} (group ${group})`);
  }
  return done;
}
