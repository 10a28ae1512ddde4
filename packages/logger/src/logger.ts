import { toLoggable } from './to-loggable.js';

/** Severity levels, least severe first. */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];
/** The least severe level a logger writes; `silent` writes nothing. */
export type Threshold = Level | 'silent';

/** `log(message)` or `log(fields, message)`; an Error in place of fields is logged as `err`. */
export interface LogMethod {
  (message: string): void;
  (fields: object, message?: string): void;
}

/** One JSON object per line: level, time, the logger's bindings, the call's fields, msg. */
export interface Logger {
  readonly level: Threshold;
  readonly fatal: LogMethod;
  readonly error: LogMethod;
  readonly warn: LogMethod;
  readonly info: LogMethod;
  readonly debug: LogMethod;
  readonly trace: LogMethod;
  /** A logger that adds `bindings` to every line (after its parent's). */
  child(bindings: Record<string, unknown>): Logger;
  isLevelEnabled(level: Level): boolean;
}

/** Where lines go: process.stdout by default, anything with a write(string) in tests. */
export interface LogDestination {
  write(line: string): unknown;
}

const ignore: LogMethod = () => undefined;

/** The JSON members of `fields` without the braces, or '' when there are none. */
function members(fields: object): string {
  const json = JSON.stringify(toLoggable(fields));
  return json.length > 2 ? json.slice(1, -1) : '';
}

/**
 * A logger at `level` writing to `destination`; `bindings` are JSON members already serialized
 * (and redacted), written on every line. Methods of disabled levels do nothing.
 */
export function jsonLogger(level: Threshold, destination: LogDestination, bindings = ''): Logger {
  const rank = level === 'silent' ? LEVELS.length : LEVELS.indexOf(level);
  const isLevelEnabled = (candidate: Level): boolean => LEVELS.indexOf(candidate) >= rank;
  const method = (name: Level): LogMethod => {
    if (!isLevelEnabled(name)) return ignore;
    const head = `{"level":"${name}","time":"`;
    return (first: object | string, message?: string) => {
      let fields = '';
      let text = message;
      if (typeof first === 'string') text = first;
      else if (first instanceof Error) {
        fields = members({ err: first });
        text ??= first.message;
      } else fields = members(first);
      const parts = [`${head}${new Date().toISOString()}"`, bindings, fields];
      if (text !== undefined) parts.push(`"msg":${JSON.stringify(text)}`);
      destination.write(`${parts.filter(Boolean).join(',')}}\n`);
    };
  };
  return {
    level,
    fatal: method('fatal'),
    error: method('error'),
    warn: method('warn'),
    info: method('info'),
    debug: method('debug'),
    trace: method('trace'),
    child: (more) => jsonLogger(level, destination, [bindings, members(more)].filter(Boolean).join(',')),
    isLevelEnabled,
  };
}
