import { z } from 'zod';

/** A reference to a secret: a file under the secrets directory, or an environment variable. Never the value itself. */
export const secretRefSchema = z.union(
  [
    z.strictObject({ file: z.string().min(1).describe('Path of a file holding the secret, relative to spSecretsDir or absolute') }),
    z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).describe('Name of an environment variable holding the secret') }),
  ],
  {
    error: 'expected a secret reference {"file": "<path under the secrets directory>"} or {"env": "<VARIABLE>"}; secrets never sit in the file in clear',
  },
);
export type SecretRef = z.infer<typeof secretRefSchema>;

export const portSchema = z.int().min(1).max(65_535);
export const positiveIntSchema = z.int().positive();
export const httpUrlSchema = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });
export const wsUrlSchema = z.url({ protocol: /^wss?$/, error: 'expected a ws(s) URL' });
export const addressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, { error: 'expected a 0x-prefixed 20-byte hex address' });
/** Integers that may exceed 2^53 (wei, on-chain values) are decimal strings in JSON and bigint in code. */
export const bigintStringSchema = z
  .union([z.string().regex(/^\d+$/, { error: 'expected a non-negative integer as a decimal string' }), z.int().nonnegative()])
  .transform((v) => BigInt(v));

/** "BASE/QUOTE", upper-case symbols (letters, digits, and `.`/`-`/`_` for tokens like `WSTETH` or `USD.E`). */
export const pairSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,30}\/[A-Za-z0-9._-]{1,30}$/, { error: 'expected a pair "BASE/QUOTE", e.g. "BTC/USD"' })
  .transform((s) => s.toUpperCase());
