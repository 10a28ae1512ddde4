import { z } from 'zod';
import { bigintStringSchema } from './common.js';

/** EIP-1559 limits of the transmitters. Fees are estimated from the chain and never exceed these caps. */
export const gasSchema = z.strictObject({
  maxFeePerGasWei: bigintStringSchema
    .prefault('1000000000000')
    .describe('Cap on maxFeePerGas, wei (default 1000 gwei)'),
  maxPriorityFeePerGasWei: bigintStringSchema
    .prefault('2000000000')
    .describe('Cap on maxPriorityFeePerGas, wei (default 2 gwei)'),
  gasLimit: z
    .int()
    .min(21_000)
    .max(30_000_000)
    .default(500_000)
    .describe('Gas limit of a transmit transaction'),
  bumpPercent: z
    .int()
    .min(10)
    .max(1_000)
    .default(20)
    .describe('Fee increase of a replacement transaction, percent (nodes need >= 10)'),
  stuckAfterBlocks: z
    .int()
    .min(1)
    .max(1_000)
    .default(3)
    .describe('A transaction not mined after this many blocks is replaced with bumped fees'),
});
