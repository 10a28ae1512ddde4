import type { Clock } from '../ports/clock.js';

export const TIMED_OUT: unique symbol = Symbol('timed out');

/** The promise's value, or TIMED_OUT once `ms` pass first (the work itself is not cancelled). */
export function withDeadline<T>(work: Promise<T>, ms: number, clock: Clock): Promise<T | typeof TIMED_OUT> {
  return new Promise((resolve, reject) => {
    const cancel = clock.after(ms, () => resolve(TIMED_OUT));
    work.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (error: unknown) => {
        cancel();
        reject(error);
      },
    );
  });
}
