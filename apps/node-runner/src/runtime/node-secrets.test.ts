import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSecrets, selectNodeConfig, validateConfiguration, type Configuration } from '@oracle/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chainlinkKeyFiles,
  expectedPublic,
  randomNodeSecrets,
  writeChainlinkKeyFiles,
} from '../keys/fixtures/chainlink-key-writer.js';
import { readPeerIdOf } from '../keys/public-keys.js';
import { loadKeysOf } from './node-secrets.js';

const PASSWORD = 'the Go nodes keystore password!';
const FAST = { n: 2 ** 10, r: 8, p: 1 };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'node-secrets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configuration(spSecretsDir: string): Promise<Configuration> {
  const validated = validateConfiguration({
    solution: {
      totalNodes: 5,
      spSecretsDir,
      chainlinkChainId: 31337,
      chainlinkRpcHttpUrl: 'http://127.0.0.1:8545',
      nodes: { keys: { layout: 'chainlink' }, keystorePassword: { env: 'CL_PASSWORD' } },
      priceAggregatorConfig: {
        sources: {
          cryptocompare: { enabled: false },
          finnhub: { enabled: false },
          alphavantage: { enabled: false },
        },
      },
      feeds: [{ name: 'BTC / USD', pair: 'BTC/USD', decimals: 8 }],
    },
  });
  if (!validated.ok) throw new Error(JSON.stringify(validated.error));
  const resolved = await resolveSecrets(validated.value, {
    secretsDir: spSecretsDir,
    env: { CL_PASSWORD: PASSWORD },
  });
  if (!resolved.ok) throw new Error(JSON.stringify(resolved.error));
  return resolved.value;
}

describe("main.ts's key loading with the chainlink layout", () => {
  it("gives node i the Go node's keys from cl-secrets/<i>/, and other nodes its peer id", async () => {
    const secrets = randomNodeSecrets();
    await writeChainlinkKeyFiles(
      join(dir, 'cl-secrets'),
      3,
      chainlinkKeyFiles(secrets, PASSWORD, { evm: FAST, p2p: FAST, ocr: FAST }),
    );
    const node = selectNodeConfig(await configuration(dir), 3);

    const keys = await loadKeysOf(node);

    expect(keys.publicKeys()).toEqual(expectedPublic(secrets));
    const other = selectNodeConfig(await configuration(dir), 1);
    const peer = other.peers.find((p) => p.index === 3);
    expect(await readPeerIdOf({ layout: other.keys.layout, p2pKeyFile: peer?.p2pKeyFile ?? '' })).toBe(
      keys.peerId,
    );
  });

  it('generates nothing: a missing file stops the node, named', async () => {
    const node = selectNodeConfig(await configuration(dir), 4);
    await expect(loadKeysOf(node)).rejects.toThrow(
      `key file ${join(dir, 'cl-secrets/4/evm_key.json')} does not exist: the chainlink key layout (nodes.keys) loads the Go Chainlink nodes' key exports from <spSecretsDir>/<nodes.keys.dir>/<i>/: nothing is generated`,
    );
  });
});
