#!/usr/bin/env node
/**
 * The `node-keys` oneshot (run as the node user), with the node runner's keys CLI. Sealed key
 * layout: creates the missing keys of nodes 1..totalNodes under <spSecretsDir>/nodes/<i>/, never
 * replacing a key, sealed with nodes.keystorePassword when the configuration gives one, else with
 * each node's generated keystore-password. Chainlink layout: generates nothing; loads every node's
 * Chainlink key files with nodes.keystorePassword, so a missing file or a wrong password stops the
 * start here, named, before any node runs. Either way it logs each node's public keys (what
 * setConfig and the faucet need).
 *
 *   node packages/stack/dist/cli/node-keys.js --keys-cli apps/node-runner/dist/keys/cli.js
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigurationError, loadConfiguration, nodeKeyFiles } from '@oracle/config';

const SERVICE = 'node-keys';
const PASSPHRASE_ENV = 'ORACLE_NODE_KEYSTORE_PASSPHRASE';

const log = (level: string, msg: string, fields: Record<string, unknown> = {}): void => {
  process.stderr.write(
    `${JSON.stringify({ level, time: new Date().toISOString(), service: SERVICE, ...fields, msg })}\n`,
  );
};

function runKeysCli(keysCli: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [keysCli, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`the keys CLI exited with code ${code}`)),
    );
  });
}

try {
  const { values } = parseArgs({ options: { 'keys-cli': { type: 'string' } } });
  if (!values['keys-cli']) throw new Error('--keys-cli <path of the node runner keys CLI> is required');
  const cfg = await loadConfiguration({ secrets: ['solution.nodes.keystorePassword'] });
  const { totalNodes, spSecretsDir, nodes } = cfg.solution;
  const env: NodeJS.ProcessEnv = { ...process.env };
  let args: string[];
  if (nodes.keys.layout === 'chainlink') {
    // The validation requires the password with this layout.
    env[PASSPHRASE_ENV] = nodes.keystorePassword?.reveal();
    const dir = join(nodeKeyFiles(cfg, 1).dir, '..');
    args = ['public', '--layout', 'chainlink', '--nodes', String(totalNodes), '--dir', dir];
    args.push('--chainlink-password-env', PASSPHRASE_ENV);
  } else {
    args = ['generate', '--nodes', String(totalNodes), '--out', spSecretsDir];
    if (nodes.keystorePassword) {
      env[PASSPHRASE_ENV] = nodes.keystorePassword.reveal();
      args.push('--passphrase-env', PASSPHRASE_ENV);
    }
  }
  const began = Date.now();
  const publicKeys = JSON.parse(await runKeysCli(values['keys-cli'], args, env)) as Array<
    Record<string, unknown>
  >;
  for (const keys of publicKeys) log('info', 'Node keys ready', keys);
  log('info', `Keys of ${publicKeys.length} nodes ready in ${Date.now() - began} ms`);
} catch (error) {
  log(
    'error',
    error instanceof ConfigurationError ? error.message : `Node keys failed: ${(error as Error).message}`,
  );
  process.exitCode = 1;
}
