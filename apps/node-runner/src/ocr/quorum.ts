/** OCR1's thresholds for n oracles of which at most f are faulty (3f < n). */

/** More than f: at least one honest oracle among them. */
export function exceedsF(count: number, f: number): boolean {
  return count > f;
}

/** More than 2f: honest oracles are a majority among them. */
export function exceeds2F(count: number, f: number): boolean {
  return count > 2 * f;
}

export function countTrue(flags: readonly boolean[]): number {
  return flags.reduce((count, flag) => (flag ? count + 1 : count), 0);
}

/**
 * The k-th highest (1-based) of the values strictly above `floor`, or undefined when fewer than k are.
 * With k = f+1 the result is an epoch at least one honest oracle asked for; with k = 2f+1 one at least
 * f+1 honest oracles asked for.
 */
export function kthHighestAbove(values: readonly number[], floor: number, k: number): number | undefined {
  const above = values.filter((v) => v > floor).sort((a, b) => b - a);
  return above.length >= k ? above[k - 1] : undefined;
}
