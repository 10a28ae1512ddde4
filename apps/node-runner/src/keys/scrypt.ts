import { scrypt as scryptCallback } from 'node:crypto';
import { z } from 'zod';

/**
 * scrypt for every key file format, with bounds on what a file may ask for. A key file names its
 * own n, r and p; a hostile one could ask for gigabytes or hours. The most any file may ask is
 * twice the work of Ethereum's standard keystore (n = 2^18, r = 8, p = 1: 256 MiB, ~0.5 s), and
 * never more than 256 MiB.
 */
export interface ScryptParams {
  readonly n: number;
  readonly r: number;
  readonly p: number;
}

/** Ethereum's (and Chainlink's) standard keystore cost: 256 MiB and about half a second. */
export const STANDARD_SCRYPT: ScryptParams = { n: 2 ** 18, r: 8, p: 1 };

const MAX_N = 2 ** 18;
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_WORK = 2 * STANDARD_SCRYPT.n * STANDARD_SCRYPT.r * STANDARD_SCRYPT.p;

/** What OpenSSL allocates: 128·r·(n + 2) for V and 128·r·p for B. */
const memoryBytes = ({ n, r, p }: ScryptParams): number => 128 * r * (n + p + 2);

export const scryptNSchema = z
  .int()
  .min(2)
  .max(MAX_N, { error: `scrypt n above ${MAX_N} (2^18) is refused` })
  .refine((n) => (n & (n - 1)) === 0, { error: 'scrypt n must be a power of two' });
export const scryptRSchema = z.int().min(1).max(16);
export const scryptPSchema = z.int().min(1).max(16);

/** A refinement for an object holding n, r and p: the combination's memory and work stay bounded. */
export function checkScryptCost(params: ScryptParams, ctx: z.RefinementCtx): void {
  if (params.r < 8 && params.n >= 2 ** (16 * params.r)) {
    // RFC 7914 asks N < 2^(128·r/8); OpenSSL enforces it. Ethereum and Chainlink write r = 8.
    ctx.addIssue({
      code: 'custom',
      path: ['n'],
      message: `scrypt n = ${params.n} with r = ${params.r} is outside RFC 7914 (n < 2^(16·r)), which OpenSSL enforces`,
    });
  } else if (128 * params.n * params.r > MAX_MEMORY_BYTES) {
    ctx.addIssue({
      code: 'custom',
      path: ['r'],
      message: `scrypt n = ${params.n}, r = ${params.r} would need ${(128 * params.n * params.r) / 2 ** 20} MiB; at most 256 MiB is allowed`,
    });
  } else if (params.n * params.r * params.p > MAX_WORK) {
    ctx.addIssue({
      code: 'custom',
      path: ['p'],
      message: `scrypt n·r·p = ${params.n * params.r * params.p} is more work than allowed (${MAX_WORK})`,
    });
  }
}

export const scryptParamsSchema = z
  .object({ n: scryptNSchema, r: scryptRSchema, p: scryptPSchema })
  .superRefine(checkScryptCost);

/** Derives `length` bytes; throws, naming the parameter, when the params are out of bounds. */
export function deriveScryptKey(
  password: string,
  salt: Uint8Array,
  params: ScryptParams,
  length: number,
): Promise<Buffer> {
  const checked = scryptParamsSchema.safeParse(params);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return Promise.reject(new Error(`scrypt ${issue?.path.join('.')}: ${issue?.message}`));
  }
  const options = { N: params.n, r: params.r, p: params.p, maxmem: memoryBytes(params) + 2 ** 20 };
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}
