import type { AttributedObservation } from './observation.js';

/**
 * What the pure core needs from the outside world, as synchronous functions. The runtime builds it
 * from packages/evm (Leader(e), the transmission schedule, report encoding and signatures) and this
 * node's keys; the simulation passes deterministic doubles. Every signature is bound to the
 * instance's config digest, which the implementation closes over.
 * Verification functions return false for anything malformed; none of these functions throws.
 */
export interface OcrContext {
  /** Leader(e) (ocr1.md §6). */
  leader(epoch: number): number;
  /** This node's delay before transmitting the report of (epoch, round), or undefined if it never does (§7). */
  transmissionDelayMs(epoch: number, round: number): number | undefined;
  /** This node's off-chain (Ed25519) signature of its observation. */
  signObservation(epoch: number, round: number, value: bigint): Uint8Array;
  verifyObservation(
    oracleId: number,
    epoch: number,
    round: number,
    value: bigint,
    signature: Uint8Array,
  ): boolean;
  /** This node's on-chain (secp256k1) signature of the report built from these sorted observations (§10). */
  signReport(epoch: number, round: number, observations: readonly AttributedObservation[]): Uint8Array;
  verifyReportSignature(
    oracleId: number,
    epoch: number,
    round: number,
    observations: readonly AttributedObservation[],
    signature: Uint8Array,
  ): boolean;
}
