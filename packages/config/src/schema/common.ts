import { z } from 'zod';

/** Secret references produced by parsing; the loader finds them here and replaces each by a `Secret`. */
const parsedSecretRefs = new WeakSet<object>();

/** True for a secret reference that came out of `secretRefSchema` (a header or label that merely looks like one is not). */
export function isParsedSecretRef(value: unknown): value is SecretRef {
  return typeof value === 'object' && value !== null && parsedSecretRefs.has(value);
}

/** A reference to a secret: a file under the secrets directory, or an environment variable. Never the value itself. */
export const secretRefSchema = z
  .union(
    [
      z.strictObject({
        file: z
          .string()
          .min(1)
          .describe(
            'Path of a file holding the secret, relative to spSecretsDir (an absolute one must lie under it)',
          ),
      }),
      z.strictObject({
        env: z
          .string()
          .regex(/^[A-Z_][A-Z0-9_]*$/)
          .describe('Name of an environment variable holding the secret'),
      }),
    ],
    {
      error: (issue) =>
        typeof issue.input === 'string'
          ? 'a secret cannot be written in the file in clear: put it in a file under spSecretsDir and write {"file": "<path>"}, or use {"env": "<VARIABLE>"}'
          : 'expected a secret reference {"file": "<path under the secrets directory>"} or {"env": "<VARIABLE>"}',
    },
  )
  .transform((ref) => {
    parsedSecretRefs.add(ref);
    return ref;
  })
  .meta({ id: 'SecretRef' });
export type SecretRef = z.infer<typeof secretRefSchema>;

export const portSchema = z.int().min(1).max(65_535);
export const positiveIntSchema = z.int().positive();
export const httpUrlSchema = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });
export const wsUrlSchema = z.url({ protocol: /^wss?$/, error: 'expected a ws(s) URL' });

/** True for a URL with a user name or password in it (`http://user:pass@host`). */
function hasCredentials(value: string): boolean {
  if (!URL.canParse(value)) return false; // not a URL at all: the URL check says so
  const url = new URL(value);
  return url.username !== '' || url.password !== '';
}

/**
 * An http(s) proxy URL without credentials: the configuration file is not a place for secrets. A
 * proxy that needs them is given as a secret reference holding the whole URL (the field's message
 * says how); the message never repeats the URL.
 */
export const proxyUrlSchema = httpUrlSchema.refine((value) => !hasCredentials(value), {
  error:
    'a proxy URL must not hold credentials in clear: put the whole URL (with user and password) in a file under spSecretsDir and write {"file": "<path>"}, or use {"env": "<VARIABLE>"}',
});
export const addressSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, { error: 'expected a 0x-prefixed 20-byte hex address' });
export const absolutePathSchema = z.string().regex(/^\//, { error: 'expected an absolute path' });
export const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

const LARGE_INTEGER_HINT =
  'integers beyond 2^53 lose precision as JSON numbers: write them as decimal strings';

/** Integers that may exceed 2^53 (wei, on-chain values) are decimal strings in JSON and bigint in code. */
export const bigintStringSchema = z
  .union([
    z.string().regex(/^\d+$/, {
      error: 'expected a non-negative integer as a decimal string, e.g. "20000000000000"',
    }),
    z.int({ error: LARGE_INTEGER_HINT }).nonnegative(),
  ])
  .transform((v) => BigInt(v));

/** Like `bigintStringSchema`, negative values allowed (on-chain int192 answers). */
export const signedBigintStringSchema = z
  .union([
    z
      .string()
      .regex(/^-?\d+$/, { error: 'expected an integer as a decimal string, e.g. "-1" or "100000000"' }),
    z.int({ error: LARGE_INTEGER_HINT }),
  ])
  .transform((v) => BigInt(v));

/** "BASE/QUOTE", upper-case symbols (letters, digits, and `.`/`-`/`_` for tokens like `WSTETH` or `USD.E`). */
export const pairSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,30}\/[A-Za-z0-9._-]{1,30}$/, {
    error: 'expected a pair "BASE/QUOTE", e.g. "BTC/USD"',
  })
  .transform((s) => s.toUpperCase());
