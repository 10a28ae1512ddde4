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
