import { readFileSync } from 'node:fs';
import type { InterfaceAbi } from 'ethers';

/** One compiled contract, as written by scripts/compile-contracts.mjs to dist/contracts/<name>.json. */
export interface ContractArtifact {
  readonly contractName: string;
  readonly sourceName: string;
  readonly abi: InterfaceAbi;
  /** 0x-hex creation code. */
  readonly bytecode: string;
  /** 0x-hex runtime code. */
  readonly deployedBytecode: string;
  readonly compiler: { readonly version: string; readonly settings: Record<string, unknown> };
}

export type ContractName =
  | 'OffchainAggregator'
  | 'SuperProtocolOffchainAggregator'
  | 'LocalAdminCertificateHelper'
  | 'AggregatorProxy'
  | 'AggregatorV3Interface'
  | 'AggregatorInterface';

// This module sits in src/ (tests) or dist/ (build); the package root is one level up from either.
const artifactsDir = new URL('../dist/contracts/', import.meta.url);

/** Reads a compiled artifact. Fails with a hint if the package's build (contract compilation) has not run. */
export function loadContractArtifact(name: ContractName): ContractArtifact {
  const url = new URL(`${name}.json`, artifactsDir);
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as ContractArtifact;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(`no artifact for ${name} (run "npm run build -w @oracle/evm"): ${reason}`);
  }
}
