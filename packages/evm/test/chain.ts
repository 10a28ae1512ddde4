import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  ContractFactory,
  JsonRpcProvider,
  Wallet,
  isCallException,
  type Contract,
  type InterfaceAbi,
  type Signer,
} from 'ethers';
import { startAnvil, type Anvil } from '@oracle/testing';
import { compileContracts } from '../scripts/compile-contracts.mjs';

interface Artifact {
  abi: InterfaceAbi;
  bytecode: string;
}

/** Runs the package's contract build, so tests always use artifacts of the current sources. */
export function buildContracts(): void {
  const script = fileURLToPath(new URL('../scripts/compile-contracts.mjs', import.meta.url));
  execFileSync(process.execPath, [script], { stdio: 'pipe' });
}

/** Test-only contracts (consumer, encoder), compiled in memory. */
export async function compileTestContracts(): Promise<Record<string, Artifact>> {
  return (await compileContracts(['test/contracts'])) as Record<string, Artifact>;
}

export interface Chain {
  readonly anvil: Anvil;
  readonly provider: JsonRpcProvider;
  /** anvil's funded dev account i as a wallet (0 deploys and owns). */
  wallet(i: number): Wallet;
}

export async function startChain(): Promise<Chain> {
  const anvil = await startAnvil({ chainId: 1337 });
  // No response cache: ethers would otherwise hand out a stale nonce for back-to-back transactions.
  const provider = new JsonRpcProvider(anvil.rpcUrl, anvil.chainId, {
    staticNetwork: true,
    cacheTimeout: -1,
    pollingInterval: 50,
  });
  const wallet = (i: number): Wallet => {
    const account = anvil.accounts[i];
    if (!account) throw new Error(`anvil has no account ${i}`);
    return new Wallet(account.privateKey, provider);
  };
  return { anvil, provider, wallet };
}

export async function deploy(artifact: Artifact, signer: Signer, ...args: unknown[]): Promise<Contract> {
  const contract = await new ContractFactory(artifact.abi, artifact.bytecode, signer).deploy(...args);
  await contract.waitForDeployment();
  return contract as Contract;
}

/** The revert string of a failing call, or a description of how else it ended. */
export async function revertReason(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return '(no revert)';
  } catch (e) {
    if (isCallException(e)) return e.reason ?? `(revert without reason: ${e.shortMessage})`;
    throw e;
  }
}
