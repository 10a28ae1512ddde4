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

export class JsonLogger implements Logger {
  readonly fatal: LogMethod;
  readonly error: LogMethod;
  readonly warn: LogMethod;
  readonly info: LogMethod;
  readonly debug: LogMethod;
  readonly trace: LogMethod;
  readonly #rank: number;

  /** `bindings`: JSON members already serialized (and redacted), written on every line. */
  constructor(
    readonly level: Threshold,
    private readonly destination: LogDestination,
    private readonly bindings: string,
  ) {
    this.#rank = level === 'silent' ? LEVELS.length : LEVELS.indexOf(level);
    this.fatal = this.#method('fatal');
    this.error = this.#method('error');
    this.warn = this.#method('warn');
    this.info = this.#method('info');
    this.debug = this.#method('debug');
    this.trace = this.#method('trace');
  }

  child(bindings: Record<string, unknown>): Logger {
    const own = members(bindings);
    const all = [this.bindings, own].filter(Boolean).join(',');
    return new JsonLogger(this.level, this.destination, all);
  }

  isLevelEnabled(level: Level): boolean {
    return LEVELS.indexOf(level) >= this.#rank;
  }

  #method(level: Level): LogMethod {
    if (!this.isLevelEnabled(level)) return ignore;
    const head = `{"level":"${level}","time":"`;
    return (first: object | string, message?: string) => {
      let fields = '';
      let text = message;
      if (typeof first === 'string') text = first;
      else if (first instanceof Error) {
        fields = members({ err: first });
        text ??= first.message;
      } else fields = members(first);
      const parts = [`${head}${new Date().toISOString()}"`, this.bindings, fields];
      if (text !== undefined) parts.push(`"msg":${JSON.stringify(text)}`);
      this.destination.write(`${parts.filter(Boolean).join(',')}}\n`);
    };
  }
}
