import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { spawnService, type RunningService } from './spawn-service.js';
import { makeTempDir } from './temp-dir.js';

export interface AnvilOptions {
  /**
   * anvil's default 31337 counts as a "slow" chain for libocr's minimum timings (deltaC ≥ 10 min,
   * deltaRound ≥ 20 s, …); pass 1337 (libocr's private testnet: no minimums) for fast tests.
   */
  readonly chainId?: number;
  /** Seconds between blocks; without it anvil mines one block per transaction. */
  readonly blockTime?: number;
  /** Contract code size limit in bytes (EIP-170 default 24 576). */
  readonly codeSizeLimit?: number;
  /** Number of funded dev accounts (default 10). */
  readonly accounts?: number;
  /** How long to wait for the RPC to come up. */
  readonly startTimeoutMs?: number;
}

export interface AnvilAccount {
  /** Lower-case 0x-hex, as anvil reports it. */
  readonly address: string;
  /** A well-known test key of anvil's default mnemonic: never use it on a real chain. */
  readonly privateKey: string;
}

export interface Anvil {
  readonly rpcUrl: string;
  readonly wsUrl: string;
  readonly chainId: number;
  /** Funded accounts of the default mnemonic ("test test … junk"), in derivation order. */
  readonly accounts: readonly AnvilAccount[];
  stop(): Promise<void>;
}

const LISTENING = /Listening on 127\.0\.0\.1:(\d+)/;

/** The native anvil binary shipped by the @foundry-rs/anvil npm package for this platform. */
function anvilBinary(): string {
  const require = createRequire(import.meta.url);
  const arches: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };
  const arch = arches[process.arch];
  if (!arch) throw new Error(`anvil is not packaged for ${process.platform}/${process.arch}`);
  const pkg = require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/package.json`);
  return join(pkg, '..', 'bin', 'anvil');
}

/** Starts anvil on a free loopback port (anvil picks it) and resolves once its RPC listens. */
export async function startAnvil(options: AnvilOptions = {}): Promise<Anvil> {
  const chainId = options.chainId ?? 31337;
  const dir = await makeTempDir('anvil');
  const configOut = join(dir.path, 'anvil.json');
  const args = [
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--chain-id',
    String(chainId),
    '--config-out',
    configOut,
  ];
  if (options.blockTime !== undefined) args.push('--block-time', String(options.blockTime));
  if (options.codeSizeLimit !== undefined) args.push('--code-size-limit', String(options.codeSizeLimit));
  if (options.accounts !== undefined) args.push('--accounts', String(options.accounts));

  let service: RunningService;
  try {
    service = await spawnService(anvilBinary(), args, {
      name: 'anvil',
      readyWhen: LISTENING,
      readyTimeoutMs: options.startTimeoutMs ?? 15_000,
    });
  } catch (e) {
    await dir.remove();
    throw e;
  }
  const stop = async (): Promise<void> => {
    await service.stop();
    await dir.remove();
  };
  try {
    const port = Number(LISTENING.exec(service.output())?.[1]);
    // anvil writes --config-out before it starts listening.
    const config = JSON.parse(await readFile(configOut, 'utf8')) as {
      available_accounts: string[];
      private_keys: string[];
    };
    const accounts = config.available_accounts.map((address, i) => ({
      address,
      privateKey: config.private_keys[i] as string,
    }));
    return { rpcUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}`, chainId, accounts, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
