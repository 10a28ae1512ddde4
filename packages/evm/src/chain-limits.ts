/**
 * libocr's chain-specific minimum timings (ocr1.md §3). A Go node refuses a config below these
 * unless it runs in "dangerous development mode"; ours must refuse the same configs.
 */

export type ChainClass = 'slow' | 'moderate' | 'fast' | 'public-testnet' | 'private-testnet';

export interface ChainMinimums {
  readonly deltaCNs: bigint;
  readonly deltaStageNs: bigint;
  readonly deltaRoundNs: bigint;
  readonly deltaProgressNs: bigint;
  readonly deltaResendNs: bigint;
}

const SECOND = 1_000_000_000n;
const MINUTE = 60n * SECOND;

export const CHAIN_MINIMUMS: Readonly<Record<ChainClass, ChainMinimums>> = {
  slow: {
    deltaCNs: 10n * MINUTE,
    deltaStageNs: 10n * SECOND,
    deltaRoundNs: 20n * SECOND,
    deltaProgressNs: 23n * SECOND,
    deltaResendNs: 10n * SECOND,
  },
  moderate: {
    deltaCNs: MINUTE,
    deltaStageNs: 5n * SECOND,
    deltaRoundNs: 20n * SECOND,
    deltaProgressNs: 23n * SECOND,
    deltaResendNs: 10n * SECOND,
  },
  fast: {
    deltaCNs: 10n * SECOND,
    deltaStageNs: 5n * SECOND,
    deltaRoundNs: 5n * SECOND,
    deltaProgressNs: 8n * SECOND,
    deltaResendNs: 5n * SECOND,
  },
  'public-testnet': {
    deltaCNs: SECOND,
    deltaStageNs: 5n * SECOND,
    deltaRoundNs: SECOND,
    deltaProgressNs: 2n * SECOND,
    deltaResendNs: 2n * SECOND,
  },
  'private-testnet': {
    deltaCNs: 0n,
    deltaStageNs: 0n,
    deltaRoundNs: 0n,
    deltaProgressNs: 0n,
    deltaResendNs: 0n,
  },
};

/** Chain ids libocr knows, by class. Every other chain (opBNB 204/5611 and anvil's 31337 included) is "slow". */
const KNOWN_CHAINS: Readonly<Record<ChainClass, readonly number[]>> = {
  'private-testnet': [1337, 7418],
  slow: [1, 1101],
  moderate: [42220, 128, 1666600000, 1666600001, 1666600002, 1666600003, 5000, 30, 100],
  fast: [42161, 42170, 43114, 8453, 56, 250, 8217, 59144, 1088, 1284, 1285, 10, 137, 534352, 196, 324],
  'public-testnet': [
    144545313136048, 421611, 421613, 421614, 43113, 84531, 84532, 97, 44787, 65, 256, 5, 42, 4, 11155111,
    4002, 1666700000, 1666700001, 1666700002, 1666700003, 1001, 59140, 59141, 5001, 588, 1287, 69, 420,
    11155420, 80002, 80001, 1442, 2442, 31, 534351, 195, 10200, 280, 300,
  ],
};

const CLASS_BY_CHAIN = new Map<bigint, ChainClass>(
  Object.entries(KNOWN_CHAINS).flatMap(([cls, ids]) =>
    ids.map((id) => [BigInt(id), cls as ChainClass] as const),
  ),
);

/** The class libocr assigns a chain; unknown chains fail closed as "slow". */
export function chainClassOf(chainId: bigint): ChainClass {
  return CLASS_BY_CHAIN.get(chainId) ?? 'slow';
}

export function chainMinimumsOf(chainId: bigint): ChainMinimums {
  return CHAIN_MINIMUMS[chainClassOf(chainId)];
}
