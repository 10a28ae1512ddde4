/**
 * The confidential-admin oneshot's work on anvil: node 1's account (a Go deployment's keys, the
 * chainlink layout) registered with our AdminCertificateHelper stand-in from openssl-made TEE
 * certificates in a certs directory; a second run registers nothing; without a helper address it
 * is skipped.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { computeAddress, id, JsonRpcProvider, parseEther, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSecrets, validateConfiguration, type Configuration } from '@oracle/config';
import { deployLocalAdminCertificateHelper, type AdminCertificateHelperContract } from '@oracle/evm';
import { startAnvil, type Anvil } from '@oracle/testing';
import {
  makeTeeCertificates,
  type TeeCertificates,
} from '../../../../packages/evm/src/fixtures/tee-certificates.js';
import { ensureConfidentialAdmin } from '../../src/cli/confidential-admin.js';
import {
  chainlinkKeyFiles,
  randomNodeSecrets,
  writeChainlinkKeyFiles,
} from '../../src/keys/fixtures/chainlink-key-writer.js';

const PASSWORD = 'the Go nodes keystore password!';
const FAST = { n: 2 ** 10, r: 8, p: 1 };
const SOLUTION = id('the authorized solution');

let anvil: Anvil;
let provider: JsonRpcProvider;
let dir: string;
let certs: TeeCertificates;
let helper: AdminCertificateHelperContract;
let helperAddress: string;
let node1: string;

/** The built oneshot (npm run build first, as for every integration test). */
const CLI = fileURLToPath(new URL('../../dist/cli/confidential-admin.js', import.meta.url));

function configurationJson(confidentialAdmin: Record<string, unknown>): Record<string, unknown> {
  return {
    solution: {
      totalNodes: 5,
      spSecretsDir: dir,
      chainlinkChainId: anvil.chainId,
      chainlinkRpcHttpUrl: anvil.rpcUrl,
      nodes: { keys: { layout: 'chainlink' }, keystorePassword: { env: 'CL_PASSWORD' } },
      confidentialAdmin,
      priceAggregatorConfig: {
        sources: {
          cryptocompare: { enabled: false },
          finnhub: { enabled: false },
          alphavantage: { enabled: false },
        },
      },
      feeds: [{ name: 'BTC / USD', pair: 'BTC/USD', decimals: 8 }],
    },
  };
}

async function configuration(confidentialAdmin: Record<string, unknown>): Promise<Configuration> {
  const validated = validateConfiguration(configurationJson(confidentialAdmin));
  if (!validated.ok) throw new Error(JSON.stringify(validated.error));
  const resolved = await resolveSecrets(validated.value, { secretsDir: dir, env: { CL_PASSWORD: PASSWORD } });
  if (!resolved.ok) throw new Error(JSON.stringify(resolved.error));
  return resolved.value;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'confidential-admin-'));
  anvil = await startAnvil({});
  provider = new JsonRpcProvider(anvil.rpcUrl, anvil.chainId, {
    staticNetwork: true,
    cacheTimeout: -1,
    pollingInterval: 50,
  });
  const owner = new Wallet(anvil.accounts[0]!.privateKey, provider);
  helper = await deployLocalAdminCertificateHelper(owner, SOLUTION);
  helperAddress = await helper.getAddress();
  const secrets = randomNodeSecrets();
  await writeChainlinkKeyFiles(
    join(dir, 'cl-secrets'),
    1,
    chainlinkKeyFiles(secrets, PASSWORD, { evm: FAST, p2p: FAST, ocr: FAST }),
  );
  node1 = computeAddress(`0x${secrets.evmKey.toString('hex')}`);
  await (await owner.sendTransaction({ to: node1, value: parseEther('1') })).wait();
  certs = makeTeeCertificates({ solutionHash: SOLUTION, dir: await mkdtemp(join(dir, 'certs-')) });
});

afterAll(async () => {
  provider?.destroy();
  await anvil?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the confidential-admin oneshot', () => {
  const options = { retries: 0, retryDelayMs: 0 };

  it('is skipped without a helper address', async () => {
    expect(await ensureConfidentialAdmin(await configuration({}), options)).toEqual({
      status: 'skipped',
      reason: 'confidentialAdmin.helperAddress is not configured (local run)',
    });
  });

  it("registers node 1's account from the certificates, then finds it registered", async () => {
    const cfg = await configuration({ helperAddress, rootCertId: '7', certsDir: certs.dir });
    const first = await ensureConfidentialAdmin(cfg, options);
    expect(first).toMatchObject({ status: 'registered', admin: node1 });
    expect(await helper.isAdmin(node1)).toBe(true);
    const nonce = await helper.getSignatureNonce();
    expect(await ensureConfidentialAdmin(cfg, options)).toEqual({ status: 'already-admin', admin: node1 });
    expect(await helper.getSignatureNonce()).toBe(nonce);
  });

  it('as the s6 oneshot runs it: one line for each outcome, exit 0', async () => {
    const run = async (confidentialAdmin: Record<string, unknown>): Promise<string> => {
      const file = join(dir, `configuration-${Date.now()}.json`);
      await writeFile(file, JSON.stringify(configurationJson(confidentialAdmin)));
      const { stderr } = await promisify(execFile)(
        process.execPath,
        [CLI, '--config', file, '--no-set-config'],
        {
          env: { ...process.env, CL_PASSWORD: PASSWORD },
        },
      );
      return stderr;
    };
    expect(await run({})).toBe(
      'confidential-admin: skipped: confidentialAdmin.helperAddress is not configured (local run)\n',
    );
    const already = await run({ helperAddress, rootCertId: '7', certsDir: certs.dir });
    expect(already).toContain(
      `node 1's account ${node1} already is the confidential admin of ${helperAddress}`,
    );
    expect(already).toContain('set-config not requested');
  });
});
