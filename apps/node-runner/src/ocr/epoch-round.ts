/** OCR1 orders everything by (epoch uint32, round uint8), like the contract's epoch · 256 + round. */
export interface EpochRound {
  readonly epoch: number;
  readonly round: number;
}

export const MAX_EPOCH = 0xffff_ffff;
export const MAX_ROUND = 0xff;

/** Negative when a comes first, 0 when equal, positive when a comes later. */
export function compareEpochRound(a: EpochRound, b: EpochRound): number {
  return a.epoch !== b.epoch ? a.epoch - b.epoch : a.round - b.round;
}

export function isBefore(a: EpochRound, b: EpochRound): boolean {
  return compareEpochRound(a, b) < 0;
}

export function sameEpochRound(a: EpochRound, b: EpochRound): boolean {
  return a.epoch === b.epoch && a.round === b.round;
}
