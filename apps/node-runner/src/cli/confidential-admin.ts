#!/usr/bin/env node
/**
 * The confidential-admin oneshot: makes node confidentialAdmin.nodeIndex's EVM account the
 * confidential admin of the AdminCertificateHelper confidentialAdmin.helperAddress, proving with
 * the order's TEE certificates (confidentialAdmin.certsDir) that the authorized solution controls
 * it, then (confidentialAdmin.setConfig) sets every feed's configuration as that admin through the
 * admin CLI's set-config. Without a helper address it does nothing but say so (local runs).
 *   node apps/node-runner/dist/cli/confidential-admin.js [--config <configuration.json>]
 *        [--retries 5] [--retry-delay-ms 2000] [--no-set-config]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isCallException, Wallet } from 'ethers';
import { configurationPath, loadConfiguration, selectNodeConfig, type Configuration } from '@oracle/config';
import { readOrderCertificates, registerConfidentialAdmin, type AdminRegistrationOutcome } from '@oracle/evm';
import { jsonRpcProvider } from '../adapters/rpc-provider.js';
import { loadKeysOf } from '../runtime/node-secrets.js';

/** ethers' and the socket's codes for failures that a later attempt may not meet. */
const TRANSIENT = new Set([
  'NETWORK_ERROR',
  'SERVER_ERROR',
  'TIMEOUT',
  'UNKNOWN_ERROR',
  'ECONNREFUSED',
  'ECONNRESET',
]);

const log = (line: string): void => void process.stderr.write(`confidential-admin: ${line}\n`);

export interface ConfidentialAdminOptions {
  readonly retries: number;
  readonly retryDelayMs: number;
}

export type ConfidentialAdminResult =
  { readonly status: 'skipped'; readonly reason: string } | AdminRegistrationOutcome;

/**
 * Registers the configured node's account (retrying errors other than reverts and refusals);
 * 'skipped' without confidentialAdmin.helperAddress.
 */
export async function ensureConfidentialAdmin(
  cfg: Configuration,
  options: ConfidentialAdminOptions,
): Promise<ConfidentialAdminResult> {
  const s = cfg.solution;
  const { helperAddress, rootCertId, certsDir, nodeIndex } = s.confidentialAdmin;
  if (!helperAddress || rootCertId === undefined)
    return { status: 'skipped', reason: 'confidentialAdmin.helperAddress is not configured (local run)' };
  if (nodeIndex > s.totalNodes)
    throw new Error(`confidentialAdmin.nodeIndex ${nodeIndex} is beyond totalNodes ${s.totalNodes}`);
  const keys = await loadKeysOf(selectNodeConfig(cfg, nodeIndex));
  const certificates = readOrderCertificates(certsDir);
  const provider = jsonRpcProvider(s.chainlinkRpcHttpUrl, s.chainlinkChainId);
  try {
    const signer = new Wallet(keys.oracle.reveal().transmitterPrivateKey, provider);
    for (let attempt = 0; ; attempt++) {
      try {
        return await registerConfidentialAdmin({ signer, helper: helperAddress, rootCertId, certificates });
      } catch (error) {
        // A revert or a refusal of ours (wrong solution hash, wrong key) will not change on retry.
        const code = (error as { code?: string }).code;
        const transient = !isCallException(error) && code !== undefined && TRANSIENT.has(code);
        if (!transient || attempt >= options.retries) throw error;
        log(`attempt ${attempt + 1} failed (${(error as Error).message}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs * (attempt + 1)));
      }
    }
  } finally {
    provider.destroy();
  }
}

/**
 * Runs `admin set-config` (the built admin CLI next to this file) with the same configuration, as
 * node `adminNode` (the admin CLI's default is node 1, so the flag goes only for another node).
 */
function runSetConfig(configPath: string, adminNode: number): Promise<number> {
  const admin = fileURLToPath(new URL('./admin.js', import.meta.url));
  const args = [admin, 'set-config', '--config', configPath];
  if (adminNode !== 1) args.push('--admin-node', String(adminNode));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      retries: { type: 'string', default: '5' },
      'retry-delay-ms': { type: 'string', default: '2000' },
      'no-set-config': { type: 'boolean', default: false },
    },
  });
  const count = (name: string, value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes an integer >= 0`);
    return n;
  };
  const configPath = configurationPath({ ...(values.config ? { path: values.config } : {}) });
  // The keystore password is resolved only when there is something to register.
  const unresolved = await loadConfiguration({ path: configPath, secrets: [] });
  const cfg = unresolved.solution.confidentialAdmin.helperAddress
    ? await loadConfiguration({ path: configPath, secrets: ['solution.nodes.keystorePassword'] })
    : unresolved;
  const result = await ensureConfidentialAdmin(cfg, {
    retries: count('retries', values.retries),
    retryDelayMs: count('retry-delay-ms', values['retry-delay-ms']),
  });
  const { helperAddress, nodeIndex } = cfg.solution.confidentialAdmin;
  const trusted = cfg.solution.contracts.adminCertificateHelper;
  if (helperAddress && trusted && trusted.toLowerCase() !== helperAddress.toLowerCase())
    log(
      `warning: confidentialAdmin.helperAddress ${helperAddress} is not contracts.adminCertificateHelper ${trusted}`,
    );
  switch (result.status) {
    case 'skipped':
      log(`skipped: ${result.reason}`);
      return 0;
    case 'already-admin':
      log(
        `node ${nodeIndex}'s account ${result.admin} already is the confidential admin of ${helperAddress}`,
      );
      break;
    case 'registered':
      log(
        `node ${nodeIndex}'s account ${result.admin} is now the confidential admin of ${helperAddress} ` +
          `(addAdmin ${result.transactionHash}, certificate key ${result.certificateSigner})`,
      );
      break;
  }
  if (!cfg.solution.confidentialAdmin.setConfig || values['no-set-config']) {
    log('set-config not requested');
    return 0;
  }
  log("setting the feeds' configuration as the admin (admin set-config)");
  const code = await runSetConfig(configPath, nodeIndex);
  // The nodes start anyway: a feed left unconfigured is reported, and set-config can be rerun.
  if (code !== 0) log(`admin set-config exited with ${code}; rerun it once the cause is fixed`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    const problems = (error as { problems?: { path: string; message: string }[] }).problems;
    log(problems ? problems.map((p) => `${p.path}: ${p.message}`).join('; ') : (error as Error).message);
    process.exitCode = 1;
  }
}
