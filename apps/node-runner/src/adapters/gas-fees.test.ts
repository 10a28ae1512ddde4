import { describe, expect, it } from 'vitest';
import { bumpedFees, initialFees } from './gas-fees.js';

const gwei = (n: number): bigint => BigInt(n) * 1_000_000_000n;
const caps = { maxFeePerGasWei: gwei(100), maxPriorityFeePerGasWei: gwei(2) };

describe('EIP-1559 fees', () => {
  it('leaves room for the base fee to double, within the caps', () => {
    expect(initialFees(gwei(10), gwei(1), caps)).toEqual({
      maxFeePerGas: gwei(21),
      maxPriorityFeePerGas: gwei(1),
    });
    expect(initialFees(gwei(10), gwei(5), caps)).toEqual({
      maxFeePerGas: gwei(22),
      maxPriorityFeePerGas: gwei(2),
    });
    expect(initialFees(gwei(80), gwei(1), caps)).toEqual({
      maxFeePerGas: gwei(100),
      maxPriorityFeePerGas: gwei(1),
    });
    // A tip cap above the fee cap: the tip never exceeds the fee.
    expect(initialFees(0n, gwei(5), { maxFeePerGasWei: gwei(1), maxPriorityFeePerGasWei: gwei(3) })).toEqual({
      maxFeePerGas: gwei(1),
      maxPriorityFeePerGas: gwei(1),
    });
  });

  it('bumps both fees by the configured percentage, rounding up', () => {
    expect(bumpedFees({ maxFeePerGas: gwei(21), maxPriorityFeePerGas: gwei(1) }, 20, caps)).toEqual({
      maxFeePerGas: 25_200_000_000n,
      maxPriorityFeePerGas: 1_200_000_000n,
    });
    expect(bumpedFees({ maxFeePerGas: 3n, maxPriorityFeePerGas: 1n }, 10, caps)).toEqual({
      maxFeePerGas: 4n,
      maxPriorityFeePerGas: 2n,
    });
  });

  it('gives up when the caps leave less than the 10 % a replacement needs', () => {
    expect(bumpedFees({ maxFeePerGas: gwei(95), maxPriorityFeePerGas: gwei(1) }, 20, caps)).toBeUndefined();
    expect(bumpedFees({ maxFeePerGas: gwei(20), maxPriorityFeePerGas: gwei(2) }, 20, caps)).toBeUndefined();
    expect(bumpedFees({ maxFeePerGas: gwei(90), maxPriorityFeePerGas: gwei(1) }, 20, caps)).toEqual({
      maxFeePerGas: gwei(100),
      maxPriorityFeePerGas: 1_200_000_000n,
    });
  });
});
