/** EIP-1559 fees of one transaction, wei. */
export interface Fees {
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

/** The configured ceilings (gas.maxFeePerGasWei, gas.maxPriorityFeePerGasWei). */
export interface FeeCaps {
  readonly maxFeePerGasWei: bigint;
  readonly maxPriorityFeePerGasWei: bigint;
}

/**
 * Fees for a new transaction: the suggested tip, and room for the base fee to double before the
 * transaction stops being includable (as ethers and most wallets do), both within the caps.
 */
export function initialFees(baseFeePerGas: bigint, suggestedTip: bigint, caps: FeeCaps): Fees {
  const tip = min(suggestedTip, caps.maxPriorityFeePerGasWei);
  const maxFee = min(baseFeePerGas * 2n + tip, caps.maxFeePerGasWei);
  return { maxFeePerGas: maxFee, maxPriorityFeePerGas: min(tip, maxFee) };
}

/**
 * Fees of a replacement for a stuck transaction: both raised by `bumpPercent` (nodes accept a
 * replacement only if both rise by at least 10 %), or undefined when the caps leave no room for that.
 */
export function bumpedFees(previous: Fees, bumpPercent: number, caps: FeeCaps): Fees | undefined {
  const bump = (wei: bigint): bigint => (wei * BigInt(100 + bumpPercent) + 99n) / 100n;
  const maxFee = min(bump(previous.maxFeePerGas), caps.maxFeePerGasWei);
  const tip = min(bump(previous.maxPriorityFeePerGas), caps.maxPriorityFeePerGasWei, maxFee);
  const enough = (next: bigint, prev: bigint): boolean => next * 10n >= prev * 11n && next > prev;
  if (!enough(maxFee, previous.maxFeePerGas) || !enough(tip, previous.maxPriorityFeePerGas)) return undefined;
  return { maxFeePerGas: maxFee, maxPriorityFeePerGas: tip };
}

function min(first: bigint, ...rest: bigint[]): bigint {
  return rest.reduce((a, b) => (b < a ? b : a), first);
}
