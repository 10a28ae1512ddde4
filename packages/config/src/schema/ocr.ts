import { z } from 'zod';
import { positiveIntSchema } from './common.js';

/** Parts per billion: 1 000 000 000 = 100 %. */
export const ppbSchema = z.int().min(0).max(1_000_000_000);

/**
 * The on-chain OCR1 configuration the admin CLI sets (milliseconds here; the contract takes
 * nanoseconds). Defaults are the production values of the reference deployment.
 */
export const ocrSchema = z.strictObject({
  deltaProgressMs: positiveIntSchema
    .default(35_000)
    .describe('No completed round for this long: vote for a new epoch'),
  deltaResendMs: positiveIntSchema.default(17_000).describe('NEWEPOCH re-broadcast period'),
  deltaRoundMs: positiveIntSchema.default(30_000).describe('The leader starts a round this often'),
  deltaGraceMs: positiveIntSchema
    .default(12_000)
    .describe("Leader's wait for late observations after the first 2f+1"),
  deltaStageMs: positiveIntSchema.default(60_000).describe('Gap between transmission stages'),
  rMax: z.int().min(1).max(254).default(6).describe('Rounds per epoch before a forced leader change'),
  f: z
    .int()
    .min(1)
    .optional()
    .describe('Faulty oracles tolerated; default floor((n - 1) / 3) with n the number of oracles'),
  heartbeatSeconds: positiveIntSchema
    .default(86_400)
    .describe('deltaC of every feed unless the feed overrides it'),
  deviationPpb: ppbSchema
    .default(5_000_000)
    .describe('alphaPPB of every feed unless the feed overrides it (5 000 000 = 0.5 %)'),
});

/** The largest f with 3f < n. */
export function defaultFaultTolerance(oracleCount: number): number {
  return Math.max(0, Math.floor((oracleCount - 1) / 3));
}
