import type { AttributedObservation, LatestTransmission } from '../../src/ocr/index.js';
import { isBefore } from '../../src/ocr/index.js';

export interface ChainConfig {
  readonly configDigest: string;
  readonly n: number;
  readonly f: number;
  readonly minAnswer: bigint;
  readonly maxAnswer: bigint;
}

export interface TransmitCall {
  readonly transmitter: number;
  readonly configDigest: string;
  readonly epoch: number;
  readonly round: number;
  readonly observations: readonly AttributedObservation[];
  /** Signature bytes only: the contract recovers signers, it is not told who signed. */
  readonly signatures: readonly Uint8Array[];
}

export interface AcceptedReport {
  readonly epoch: number;
  readonly round: number;
  readonly median: bigint;
  readonly observations: readonly AttributedObservation[];
  readonly transmitter: number;
  readonly atMs: number;
}

export type TransmitOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const MAX_ORACLES = 31;

/**
 * The OCR1 aggregator's state and its transmit() checks, in the contract's order and with its
 * revert strings (ocr1.md §11), so the simulation rejects exactly what the real contract would.
 * Signer recovery is delegated, like ecrecover, to the simulation's signature scheme.
 */
export class FakeChain {
  private latest: LatestTransmission;
  readonly accepted: AcceptedReport[] = [];

  constructor(
    private readonly config: ChainConfig,
    private readonly recoverSigner: (
      epoch: number,
      round: number,
      observations: readonly AttributedObservation[],
      signature: Uint8Array,
    ) => number | undefined,
  ) {
    this.latest = { configDigest: config.configDigest, epoch: 0, round: 0, answer: 0n, timestampMs: 0 };
  }

  latestTransmission(): LatestTransmission {
    return this.latest;
  }

  transmit(call: TransmitCall, nowMs: number): TransmitOutcome {
    const reject = (reason: string): TransmitOutcome => ({ ok: false, reason });
    const { f, n } = this.config;
    const { observations, signatures } = call;
    if (call.configDigest !== this.latest.configDigest) return reject('configDigest mismatch');
    if (!isBefore(this.latest, call)) return reject('stale report');
    if (signatures.length <= f) return reject('not enough signatures');
    if (signatures.length > MAX_ORACLES) return reject('too many signatures');
    if (observations.length > MAX_ORACLES) return reject('num observations out of bounds');
    if (observations.length <= 2 * f) return reject('too few values to trust median');
    const observers = new Set<number>();
    for (const { observer } of observations) {
      if (observer >= MAX_ORACLES) return reject('observer index out of bounds');
      if (observers.has(observer)) return reject('observer index repeated');
      observers.add(observer);
    }
    if (!Number.isInteger(call.transmitter) || call.transmitter < 0 || call.transmitter >= n)
      return reject('unauthorized transmitter');
    const signers = new Set<number>();
    for (const signature of signatures) {
      const signer = this.recoverSigner(call.epoch, call.round, observations, signature);
      if (signer === undefined) return reject('address not authorized to sign');
      if (signers.has(signer)) return reject('non-unique signature');
      signers.add(signer);
    }
    for (let i = 1; i < observations.length; i++) {
      if (
        (observations[i] as AttributedObservation).value <
        (observations[i - 1] as AttributedObservation).value
      ) {
        return reject('observations not sorted');
      }
    }
    const median = (observations[Math.floor(observations.length / 2)] as AttributedObservation).value;
    if (median < this.config.minAnswer || median > this.config.maxAnswer)
      return reject('median is out of min-max range');
    this.latest = {
      configDigest: call.configDigest,
      epoch: call.epoch,
      round: call.round,
      answer: median,
      timestampMs: nowMs,
    };
    this.accepted.push({
      epoch: call.epoch,
      round: call.round,
      median,
      observations,
      transmitter: call.transmitter,
      atMs: nowMs,
    });
    return { ok: true };
  }
}
