import type { Prng } from './prng.js';

/** While it lasts, every data source reports the price times `factor` (bad sources, or a real jump). */
export interface PriceShock {
  readonly fromMs: number;
  readonly untilMs: number;
  readonly factor: bigint;
}

/**
 * The outside world: a price that random-walks in fixed point (8 decimals), and what an honest
 * node's data source reports for it, with a little noise and the occasional failure.
 */
export class PriceFeed {
  private price = 65_000n * 10n ** 8n;
  private stepAtMs = 0;
  shocks: readonly PriceShock[] = [];

  constructor(
    private readonly prng: Prng,
    /** Largest move per step, parts per million. */
    private readonly volatilityPpm = 3_000,
    private readonly stepMs = 250,
    private readonly noisePpm = 300,
    private readonly failureRate = 0.01,
  ) {}

  trueAt(nowMs: number): bigint {
    while (this.stepAtMs + this.stepMs <= nowMs) {
      this.stepAtMs += this.stepMs;
      this.price =
        (this.price * BigInt(1_000_000 + this.prng.int(-this.volatilityPpm, this.volatilityPpm))) /
        1_000_000n;
    }
    return this.price;
  }

  /** An honest observation, or undefined when the data source fails. */
  observe(nowMs: number, prng: Prng): bigint | undefined {
    if (prng.chance(this.failureRate)) return undefined;
    const shock = this.shocks.find((s) => s.fromMs <= nowMs && nowMs < s.untilMs);
    const reported = this.trueAt(nowMs) * (shock?.factor ?? 1n);
    return (reported * BigInt(1_000_000 + prng.int(-this.noisePpm, this.noisePpm))) / 1_000_000n;
  }
}
