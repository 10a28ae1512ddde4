/** Types of compile-contracts.mjs (a plain build script, run before TypeScript exists in the build). */
export interface ContractArtifact {
  readonly contractName: string;
  readonly sourceName: string;
  readonly abi: readonly unknown[];
  readonly bytecode: string;
  readonly deployedBytecode: string;
  readonly compiler: { readonly version: string; readonly settings: Record<string, unknown> };
}

export const packageRoot: string;
export const compilerSettings: Record<string, unknown>;
export function compileContracts(dirs: readonly string[]): Promise<Record<string, ContractArtifact>>;
export function writeArtifacts(artifacts: Record<string, ContractArtifact>, outDir: string): Promise<void>;
