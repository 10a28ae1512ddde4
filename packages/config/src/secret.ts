import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A resolved secret value. It prints as "[redacted]" everywhere (String(), JSON, util.inspect,
 * template literals), so a config object can be logged or thrown without leaking; code that
 * needs the value calls reveal() at the point of use.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * A secret this process chose not to read (see `loadConfiguration`'s `secrets` option). It prints
 * like any secret; revealing it is a bug and throws, naming where the reference sits.
 */
export class UnloadedSecret extends Secret {
  readonly #path: string;

  constructor(path: string) {
    super('');
    this.#path = path;
  }

  override reveal(): never {
    throw new Error(`secret ${this.#path} was not loaded by this process`);
  }
}
