/** Time for the runtime: the only place it reads the clock or schedules work. Tests pass a fake. */
export interface Clock {
  /** Unix milliseconds. */
  nowMs(): number;
  /** Runs `fn` once after `afterMs`; the returned function cancels it (a no-op once it ran). */
  after(afterMs: number, fn: () => void): () => void;
}
