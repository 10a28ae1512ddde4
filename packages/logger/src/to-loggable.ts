/** Key names whose values are always secrets, wherever they appear in a logged object. */
export const SECRET_KEYS = [
  'password',
  'pgPassword',
  'apiKey',
  'privateKey',
  'faucetPrivateKey',
  'secret',
  'token',
  'authorization',
  'basicAuth',
  'keystorePassword',
  'chainlinkPassword',
  'chainlinkKeystorePassword',
] as const;

/** What a secret's value is replaced with. */
export const REDACTED = '[redacted]';

/** Deeper than this, a value is logged as a placeholder (log lines stay bounded). */
const MAX_DEPTH = 8;

const secretKeys = new Set<string>(SECRET_KEYS.map((key) => key.toLowerCase()));

/** Whether a key's value is a secret (case-insensitive: `Authorization` is `authorization`). */
export function isSecretKey(key: string): boolean {
  return secretKeys.has(key.toLowerCase());
}

/**
 * A copy of `value` that JSON.stringify can always write: secrets (by key, at any depth) replaced
 * with REDACTED; errors as `{ type, message, stack, ...own fields }`; bigints as decimal strings;
 * cycles and depth beyond MAX_DEPTH as placeholders; `toJSON()` (dates, buffers, URLs) honoured.
 */
export function toLoggable(value: unknown, ancestors: object[] = []): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.includes(value)) return '[circular]';
  if (ancestors.length >= MAX_DEPTH) return '[too deep]';
  const path = [...ancestors, value];
  if (value instanceof Error) return errorToLoggable(value, path);
  if (Array.isArray(value)) return value.map((item) => toLoggable(item, path));
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return toLoggable((value as { toJSON: () => unknown }).toJSON(), path);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    copy[key] = isSecretKey(key) ? REDACTED : toLoggable(item, path);
  return copy;
}

function errorToLoggable(error: Error, path: object[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  for (const [key, item] of Object.entries(error))
    copy[key] = isSecretKey(key) ? REDACTED : toLoggable(item, path);
  if (error.cause !== undefined) copy.cause = toLoggable(error.cause, path);
  return copy;
}
