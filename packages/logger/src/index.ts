import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

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
  'Authorization',
  'basicAuth',
  'keystorePassword',
  'chainlinkPassword',
  'chainlinkKeystorePassword',
] as const;

/** pino redact paths: the secret keys at the top level and up to four levels deep. */
export function redactPaths(keys: readonly string[] = SECRET_KEYS): string[] {
  const paths: string[] = [];
  for (const key of keys) {
    paths.push(key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`, `*.*.*.*.${key}`);
  }
  return paths;
}

export interface CreateLoggerOptions {
  /** Service name, e.g. "price-aggregator", "node-3". */
  readonly service: string;
  readonly level?: string;
  readonly base?: Record<string, unknown>;
  /** Destination; stdout by default. Tests pass a stream to inspect output. */
  readonly destination?: NodeJS.WritableStream;
}

/** One JSON logger per process; pass child loggers down, never a global. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const config: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.service, ...options.base },
    redact: { paths: redactPaths(), censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
