import { jsonLogger, LEVELS, type LogDestination, type Logger, type Threshold } from './logger.js';

export {
  LEVELS,
  type Level,
  type LogDestination,
  type Logger,
  type LogMethod,
  type Threshold,
} from './logger.js';
export { REDACTED, SECRET_KEYS } from './to-loggable.js';

export interface CreateLoggerOptions {
  /** Service name, e.g. "price-aggregator", "node-3". */
  readonly service: string;
  /** The least severe level written: trace, debug, info (default), warn, error, fatal or silent. */
  readonly level?: string;
  /** More fields on every line. */
  readonly base?: Record<string, unknown>;
  /** Destination; stdout by default. Tests pass their own to inspect output. */
  readonly destination?: LogDestination;
}

function isThreshold(level: string): level is Threshold {
  return level === 'silent' || (LEVELS as readonly string[]).includes(level);
}

/**
 * One JSON logger per process; pass child loggers down, never a global. Lines are written
 * synchronously (process.stdout is synchronous for files and pipes on Linux), so a fatal line is
 * out before the process exits. Secrets are redacted by key name at any depth (SECRET_KEYS).
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const level = options.level ?? 'info';
  if (!isThreshold(level))
    throw new Error(
      `Unknown log level ${JSON.stringify(level)}: use one of ${[...LEVELS, 'silent'].join(', ')}`,
    );
  return jsonLogger(level, options.destination ?? process.stdout).child({
    service: options.service,
    ...options.base,
  });
}
