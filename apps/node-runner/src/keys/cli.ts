#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ensureKeystorePassword, readKeystorePassword } from './keystore-password.js';
import { ensurePrivateDir } from './secret-files.js';
import {
  generateNodeKeys,
  loadNodeKeys,
  nodeKeyPaths,
  type NodeKeyPaths,
  type NodePublicKeys,
} from './node-keys.js';

const USAGE = `Usage:
  keys generate --nodes <n> --out <secrets dir> [--passphrase-env <VAR>]
      Creates the missing keys of nodes 1..n under <secrets dir>/nodes/<i>/ (never replaces a key)
  keys public --nodes <n> --dir <secrets dir> [--passphrase-env <VAR>]
      Loads the keys of nodes 1..n
Both print the public keys as JSON, one entry per node: what setConfig needs.
Key files are sealed with the passphrase in the environment variable <VAR> (the configuration's
nodes.keystorePassword), or else with each node's generated <secrets dir>/nodes/<i>/keystore-password.`;

interface Options {
  readonly command: 'generate' | 'public';
  readonly nodes: number;
  readonly secretsDir: string;
  readonly passphraseEnv: string | undefined;
}

function parseOptions(argv: string[]): Options {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      nodes: { type: 'string' },
      out: { type: 'string' },
      dir: { type: 'string' },
      'passphrase-env': { type: 'string' },
    },
  });
  const [command, ...extra] = positionals;
  if ((command !== 'generate' && command !== 'public') || extra.length > 0)
    throw new Error('expected one command: generate or public');
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 64)
    throw new Error('--nodes must be an integer from 1 to 64');
  const secretsDir = command === 'generate' ? values.out : values.dir;
  if (!secretsDir)
    throw new Error(
      command === 'generate' ? 'generate needs --out <secrets dir>' : 'public needs --dir <secrets dir>',
    );
  return { command, nodes, secretsDir, passphraseEnv: values['passphrase-env'] };
}

async function passphraseFor(options: Options, paths: NodeKeyPaths): Promise<string> {
  if (options.passphraseEnv !== undefined) {
    const value = process.env[options.passphraseEnv];
    if (!value || value.length < 16)
      throw new Error(
        `environment variable ${options.passphraseEnv} must hold a passphrase of at least 16 characters`,
      );
    return value;
  }
  return options.command === 'generate'
    ? ensureKeystorePassword(paths.keystorePasswordFile)
    : readKeystorePassword(paths.keystorePasswordFile);
}

async function run(options: Options): Promise<(NodePublicKeys & { node: number })[]> {
  const result: (NodePublicKeys & { node: number })[] = [];
  for (let node = 1; node <= options.nodes; node++) {
    const paths = nodeKeyPaths(options.secretsDir, node);
    // The directory first: a generated keystore-password lives in it.
    if (options.command === 'generate') await ensurePrivateDir(paths.dir);
    const passphrase = await passphraseFor(options, paths);
    if (options.command === 'generate') await generateNodeKeys(paths, passphrase);
    const keys = await loadNodeKeys(paths, passphrase);
    result.push({ node, ...keys.publicKeys() });
  }
  return result;
}

let options: Options | undefined;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
  process.exitCode = 2;
}
if (options) {
  try {
    process.stdout.write(`${JSON.stringify(await run(options), null, 2)}\n`);
  } catch (error) {
    // Our errors name files and problems, never key material.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
