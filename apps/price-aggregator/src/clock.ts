/**
 * The one source of "now" for everything that judges time: TTLs, refresh plans, backoff, ad-hoc
 * budgets, timestamps in answers. Injected (`Clock` is the token), so tests move time by hand
 * instead of sleeping through it.
 */
export abstract class Clock {
  /** Milliseconds since the epoch. */
  abstract now(): number;

  /** `now()` as an ISO 8601 string. */
  iso(): string {
    return new Date(this.now()).toISOString();
  }
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}

/** A clock that stands still until moved: `advance(ms)` or `set(ms)`. For tests. */
export class ManualClock extends Clock {
  constructor(private ms: number = Date.UTC(2026, 0, 1)) {
    super();
  }

  now(): number {
    return this.ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }

  set(ms: number): void {
    this.ms = ms;
  }
}
