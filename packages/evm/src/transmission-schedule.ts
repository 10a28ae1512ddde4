import { concat, dataSlice, keccak256, type BytesLike } from 'ethers';
import { checkEpoch, checkRound, uint64LE } from './epoch-round.js';
import { permutation } from './permutation.js';

export interface TransmissionScheduleInput {
  /** 16-byte key derived from the shared secret. */
  readonly transmissionOrderKey: BytesLike;
  /** 16-byte config digest. */
  readonly configDigest: BytesLike;
  readonly epoch: number;
  readonly round: number;
  readonly n: number;
  /** The schedule S: how many oracles transmit in each stage. */
  readonly s: readonly number[];
  readonly deltaStageNs: bigint;
}

/** keccak256(transmissionOrderKey ‖ digest ‖ uint64 LE(epoch) ‖ uint64 LE(round))[0:16]. */
export function transmissionPermutationKey(input: TransmissionScheduleInput): string {
  checkEpoch(input.epoch);
  checkRound(input.round);
  return dataSlice(
    keccak256(
      concat([input.transmissionOrderKey, input.configDigest, uint64LE(input.epoch), uint64LE(input.round)]),
    ),
    0,
    16,
  );
}

/**
 * How long oracle `oracleId` waits before transmitting the report of (epoch, round), in ns:
 * stage · deltaStage for the first stage whose running sum of S exceeds π[oracleId].
 * undefined means this oracle never transmits that report.
 */
export function transmitDelayNs(input: TransmissionScheduleInput, oracleId: number): bigint | undefined {
  const position = permutation(input.n, transmissionPermutationKey(input))[oracleId];
  if (position === undefined) throw new Error(`oracle ${oracleId} out of range for n = ${input.n}`);
  let sum = 0;
  for (const [stage, count] of input.s.entries()) {
    sum += count;
    if (position < sum) return BigInt(stage) * input.deltaStageNs;
  }
  return undefined;
}
