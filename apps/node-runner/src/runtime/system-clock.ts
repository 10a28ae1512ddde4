import type { Clock } from '../ports/clock.js';

/** The real clock: Date.now() and setTimeout. */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
  after(afterMs, fn) {
    const timer = setTimeout(fn, Math.max(0, afterMs));
    return () => clearTimeout(timer);
  },
};
