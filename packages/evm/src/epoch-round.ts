/** Range checks shared by everything keyed by OCR1's (epoch uint32, round uint8). */
export function checkEpoch(epoch: number): void {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffff_ffff)
    throw new Error(`epoch ${epoch} is not a uint32`);
}

export function checkRound(round: number): void {
  if (!Number.isInteger(round) || round < 0 || round > 0xff) throw new Error(`round ${round} is not a uint8`);
}

/** 8-byte little-endian encoding of a uint64 (Go's binary.LittleEndian.PutUint64). */
export function uint64LE(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value), true);
  return out;
}
