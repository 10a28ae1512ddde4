/**
 * Taking over a Go Chainlink deployment's keys: a DON (see local-don.ts) whose nodes use the
 * chainlink key layout, each loading <spSecretsDir>/cl-secrets/<i>/{evm_key,p2p_key,ocr_key}.json
 * written by an independent writer (src/keys/fixtures/chainlink-key-writer.ts), one node's at the
 * real scrypt cost. The contract is configured from those files, and the reports it accepts are
 * signed and sent by exactly the Go nodes' keys.
 */
import { join } from 'node:path';
import { concat, dataSlice } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocr1AggregatorInterface, recoverReportSigner } from '@oracle/evm';
import { waitFor } from '@oracle/testing';
import {
  chainlinkKeyFiles,
  expectedPublic,
  randomNodeSecrets,
  writeChainlinkKeyFiles,
  type ChainlinkNodePublic,
} from '../../src/keys/fixtures/chainlink-key-writer.js';
import { LocalDon } from './local-don.js';

const FEED = 'ETH / USD';
const PAIR = 'ETH/USD';
const TOTAL_NODES = 5;
const PASSWORD_ENV = 'TEST_CHAINLINK_KEYSTORE_PASSWORD';
const PASSWORD = 'the Go nodes keystore password!';
const FAST = { n: 2 ** 10, r: 8, p: 1 };
const STANDARD = { n: 2 ** 18, r: 8, p: 1 };

let don: LocalDon;
const expected = new Map<number, ChainlinkNodePublic>();

beforeAll(async () => {
  process.env[PASSWORD_ENV] = PASSWORD;
  don = await LocalDon.start({
    totalNodes: TOTAL_NODES,
    feeds: [{ name: FEED, pair: PAIR, decimals: 8 }],
    prices: { [PAIR]: '3456.78' },
    nodes: { keys: { layout: 'chainlink' }, keystorePassword: { env: PASSWORD_ENV } },
  });
  for (let node = 1; node <= TOTAL_NODES; node++) {
    const secrets = randomNodeSecrets();
    const cost =
      node === 3 ? { evm: STANDARD, p2p: STANDARD, ocr: STANDARD } : { evm: FAST, p2p: FAST, ocr: FAST };
    await writeChainlinkKeyFiles(
      join(don.secretsDir, 'cl-secrets'),
      node,
      chainlinkKeyFiles(secrets, PASSWORD, cost),
    );
    expected.set(node, expectedPublic(secrets));
  }
  await don.startAggregator();
  await don.deploy();
});

afterAll(async () => {
  await don?.stop();
  delete process.env[PASSWORD_ENV];
});

describe('nodes with the chainlink key layout', () => {
  it('are configured on chain with the Go nodes keys, and report signed and sent with them', async () => {
    await don.setConfig();
    for (let node = 1; node <= TOTAL_NODES; node++) await don.startNode(node);

    for (let node = 1; node <= TOTAL_NODES; node++) {
      const status = (await don.node(node).status()) as unknown as { peerId: string; transmitter?: string };
      expect(status.peerId).toBe(expected.get(node)?.peerId);
      if (node > 1) expect(status.transmitter).toBe(expected.get(node)?.transmitterAddress);
    }

    await waitFor(async () => (await don.latestRoundData(FEED)).answer === 345_678_000_000n, {
      timeoutMs: 60_000,
      what: 'the first on-chain answer',
    });
    const oracles = [2, 3, 4, 5].map((node) => expected.get(node) as ChainlinkNodePublic);
    const [transmission] = await don.transmissions(FEED);
    const tx = await don.provider.getTransaction(transmission?.txHash ?? '');
    expect(oracles.map((o) => o.transmitterAddress)).toContain(tx?.from);
    const [report, rs, ss, rawVs] = ocr1AggregatorInterface.decodeFunctionData('transmit', tx?.data ?? '0x');
    const signers = (rs as string[]).map((r, i) =>
      recoverReportSigner(
        report as string,
        concat([r, (ss as string[])[i] as string, dataSlice(rawVs as string, i, i + 1)]),
      ),
    );
    expect(signers.length).toBeGreaterThanOrEqual(2);
    for (const signer of signers) expect(oracles.map((o) => o.onchainSigningAddress)).toContain(signer);
  });
});
