/** Observations, reports and the structural rules every honest node applies to them. */

export const INT192_MIN = -(1n << 191n);
export const INT192_MAX = (1n << 191n) - 1n;

export function isInt192(value: bigint): boolean {
  return value >= INT192_MIN && value <= INT192_MAX;
}

/** One oracle's value, as it appears in a report. */
export interface AttributedObservation {
  readonly observer: number;
  readonly value: bigint;
}

/** An observation with its observer's off-chain signature over (digest, epoch, round, value). */
export interface AttributedSignedObservation extends AttributedObservation {
  readonly signature: Uint8Array;
}

/** One oracle's on-chain signature of a report. */
export interface ReportSignature {
  readonly signer: number;
  readonly signature: Uint8Array;
}

/** A report (sorted observations) with the signatures that attest it. */
export interface AttestedReport {
  readonly observations: readonly AttributedObservation[];
  readonly signatures: readonly ReportSignature[];
}

/** The answer the contract stores: observations[k/2] of the sorted list. */
export function median(observations: readonly AttributedObservation[]): bigint {
  const middle = observations[Math.floor(observations.length / 2)];
  if (middle === undefined) throw new Error('median of no observations');
  return middle.value;
}

/** Ascending by value; ties by observer so every node builds the same list from the same inputs. */
export function sortObservations<T extends AttributedObservation>(observations: readonly T[]): T[] {
  return [...observations].sort((a, b) =>
    a.value < b.value ? -1 : a.value > b.value ? 1 : a.observer - b.observer,
  );
}

export function sameObservations(
  a: readonly AttributedObservation[],
  b: readonly AttributedObservation[],
): boolean {
  return a.length === b.length && a.every((o, i) => o.observer === b[i]?.observer && o.value === b[i]?.value);
}

export function sameAttestedReport(a: AttestedReport, b: AttestedReport): boolean {
  return (
    sameObservations(a.observations, b.observations) &&
    a.signatures.length === b.signatures.length &&
    a.signatures.every((s, i) => {
      const t = b.signatures[i];
      return t !== undefined && s.signer === t.signer && sameBytes(s.signature, t.signature);
    })
  );
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Why a list of observations cannot be a report the contract accepts from n oracles with f faulty,
 * or undefined when it can: non-decreasing values in int192, distinct observers in 0..n-1, more than 2f.
 */
export function reportObservationsProblem(
  observations: readonly AttributedObservation[],
  n: number,
  f: number,
): string | undefined {
  if (observations.length <= 2 * f)
    return `only ${observations.length} observations, need more than ${2 * f}`;
  const seen = new Set<number>();
  let previous: bigint | undefined;
  for (const { observer, value } of observations) {
    if (!Number.isInteger(observer) || observer < 0 || observer >= n)
      return `observer ${observer} out of range`;
    if (seen.has(observer)) return `observer ${observer} repeated`;
    seen.add(observer);
    if (!isInt192(value)) return 'value outside int192';
    if (previous !== undefined && value < previous) return 'observations not sorted';
    previous = value;
  }
  return undefined;
}
