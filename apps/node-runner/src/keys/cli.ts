#!/usr/bin/env node
import { chainlinkKeyPaths, exportChainlinkNodeKeys, loadChainlinkNodeKeys } from './chainlink-layout.js';
import { parseOptions, USAGE, type Options } from './cli-options.js';
import { ensureKeystorePassword, readKeystorePassword } from './keystore-password.js';
import {
  generateNodeKeys,
  loadNodeKeys,
  nodeKeyPaths,
  writeNodeKeys,
  type NodeKeyPaths,
  type NodeKeys,
  type NodePublicKeys,
} from './node-keys.js';
import { STANDARD_SCRYPT } from './scrypt.js';
import { ensurePrivateDir } from './secret-files.js';

/** The sealed layout's passphrase: from --passphrase-env, else the node's generated keystore-password. */
async function passphraseFor(options: Options, paths: NodeKeyPaths, create: boolean): Promise<string> {
  if (options.passphraseEnv !== undefined) {
    const value = process.env[options.passphraseEnv];
    if (!value || value.length < 16)
      throw new Error(
        `environment variable ${options.passphraseEnv} must hold a passphrase of at least 16 characters`,
      );
    return value;
  }
  if (!create) return readKeystorePassword(paths.keystorePasswordFile);
  // The directory first: a generated keystore-password lives in it.
  await ensurePrivateDir(paths.dir);
  return ensureKeystorePassword(paths.keystorePasswordFile);
}

/** The password of Chainlink's files, from --chainlink-password-env. */
function chainlinkPassword(options: Options): string {
  const name = options.chainlinkPasswordEnv as string;
  const value = process.env[name];
  if (!value)
    throw new Error(`environment variable ${name} must hold the password of the Chainlink key files`);
  return value;
}

async function runNode(options: Options, node: number): Promise<NodeKeys> {
  const sealed = options.secretsDir === undefined ? undefined : nodeKeyPaths(options.secretsDir, node);
  const chainlink =
    options.chainlinkDir === undefined ? undefined : chainlinkKeyPaths(options.chainlinkDir, node);
  switch (options.command) {
    case 'generate': {
      const paths = sealed as NodeKeyPaths;
      const passphrase = await passphraseFor(options, paths, true);
      await generateNodeKeys(paths, passphrase);
      return loadNodeKeys(paths, passphrase);
    }
    case 'public':
      return chainlink
        ? loadChainlinkNodeKeys(chainlink, chainlinkPassword(options))
        : loadNodeKeys(sealed as NodeKeyPaths, await passphraseFor(options, sealed as NodeKeyPaths, false));
    case 'import': {
      // Every file is checked before anything is written.
      const keys = await loadChainlinkNodeKeys(
        chainlink as NonNullable<typeof chainlink>,
        chainlinkPassword(options),
      );
      const paths = sealed as NodeKeyPaths;
      const passphrase = await passphraseFor(options, paths, true);
      await writeNodeKeys(paths, keys, passphrase);
      return loadNodeKeys(paths, passphrase);
    }
    case 'export': {
      const paths = sealed as NodeKeyPaths;
      const keys = await loadNodeKeys(paths, await passphraseFor(options, paths, false));
      const scrypt = { ...STANDARD_SCRYPT, n: options.scryptN };
      await exportChainlinkNodeKeys(
        chainlink as NonNullable<typeof chainlink>,
        keys,
        chainlinkPassword(options),
        scrypt,
      );
      return keys;
    }
  }
}

async function run(options: Options): Promise<(NodePublicKeys & { node: number })[]> {
  const result: (NodePublicKeys & { node: number })[] = [];
  // One node after the other: a Chainlink file at the standard scrypt cost takes 256 MiB to open.
  for (let node = 1; node <= options.nodes; node++) {
    const keys = await runNode(options, node);
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
