export interface BackoffPolicy {
  /** Delay before the first retry. */
  readonly initialDelayMs: number;
  /** Upper bound of any single delay. */
  readonly maxDelayMs: number;
  /** Growth factor per attempt (2 doubles). */
  readonly multiplier: number;
  /** Fraction of the delay randomised away (0 = none, 0.5 = up to half), to avoid thundering herds. */
  readonly jitter: number;
}

export const defaultBackoff: BackoffPolicy = { initialDelayMs: 200, maxDelayMs: 30_000, multiplier: 2, jitter: 0.2 };

/** Delay before retry number `attempt` (0-based). `random` is injectable for deterministic tests. */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const raw = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** Math.max(0, attempt));
  return Math.round(raw * (1 - policy.jitter * random()));
}
