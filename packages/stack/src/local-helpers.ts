/**
 * The outside world of the local stack, started next to the service tree: a local chain (anvil,
 * from the dev dependency @foundry-rs/anvil) and the market replay (the fake exchange CLI). Each
 * runs in its own process group, so a terminal's Ctrl-C reaches only the launcher, which stops them
 * after the services, and gets SIGTERM if the launcher dies, so nothing outlives it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { sleep } from '@oracle/core';
import { jsonRpc } from './json-rpc.js';
import { writePrivateFile } from './private-file.js';

export interface Helper {
  readonly name: string;
  stop(): Promise<void>;
}

function spawnHelper(
  name: string,
  command: string,
  args: readonly string[],
): { child: ChildProcess; helper: Helper } {
  const child = spawn('setpriv', ['--pdeathsig', 'TERM', '--', command, ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const helper: Helper = {
    name,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  return { child, helper };
}

async function waitUntil(
  what: string,
  child: ChildProcess,
  check: () => Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (await check().catch(() => false)) return;
  }
  throw new Error(`${what} did not start within ${timeoutMs} ms`);
}

export interface LocalChain extends Helper {
  readonly rpcUrl: string;
  readonly chainId: number;
  /** Private key of anvil's first dev account (funded; never use it on a real chain). */
  readonly ownerKey: string;
  /** From now on a block every `seconds` instead of one per transaction. */
  setBlockTime(seconds: number): Promise<void>;
}

/**
 * anvil on 127.0.0.1:`port`, chain id 1337 (libocr's private-testnet id: no minimum timings). It
 * mines each transaction at once, so deploying and configuring the feeds takes no block waits;
 * `setBlockTime` then gives it a steady block rhythm like a real chain.
 *
 * `<stateDir>/anvil.json` holds the dev accounts' private keys (the first is the local faucet's):
 * it is created 0600 before anvil starts, replacing any earlier one, and anvil rewrites it in place,
 * so it is never readable by others.
 */
export async function startLocalChain(port: number, stateDir: string): Promise<LocalChain> {
  const require = createRequire(import.meta.url);
  const binary = join(require.resolve('@foundry-rs/anvil-linux-amd64/package.json'), '..', 'bin', 'anvil');
  const configOut = join(stateDir, 'anvil.json');
  const chainId = 1337;
  const args = [
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--chain-id',
    String(chainId),
    '--config-out',
    configOut,
  ];
  await writePrivateFile(configOut);
  const { child, helper } = spawnHelper('anvil', binary, args);
  const rpcUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntil('anvil', child, async () => (await jsonRpc(rpcUrl, 'eth_chainId', [])) !== undefined);
    const { private_keys: keys } = JSON.parse(await readFile(configOut, 'utf8')) as {
      private_keys: string[];
    };
    const ownerKey = keys[0];
    if (!ownerKey) throw new Error('anvil reported no dev accounts');
    const setBlockTime = async (seconds: number): Promise<void> =>
      void (await jsonRpc(rpcUrl, 'evm_setIntervalMining', [seconds]));
    return { ...helper, rpcUrl, chainId, ownerKey, setBlockTime };
  } catch (error) {
    await helper.stop();
    throw error;
  }
}

/**
 * The fake exchange serving every source's wire format on 127.0.0.1:`port`, playing a replay file
 * in a loop, with its fault control API on (POST /__control/fault; loopback only).
 */
export async function startMarketReplay(
  appDir: string,
  port: number,
  pricesFile: string,
  replayFile: string,
): Promise<Helper> {
  const cli = join(appDir, 'packages/fake-exchange/dist/cli.js');
  const args = [cli, '--port', String(port), '--prices', pricesFile, '--replay', replayFile, '--control'];
  const { child, helper } = spawnHelper('market replay', process.execPath, args);
  try {
    await waitUntil(
      'the market replay',
      child,
      async () => (await fetch(`http://127.0.0.1:${port}/`)).status < 500,
    );
    return helper;
  } catch (error) {
    await helper.stop();
    throw error;
  }
}
