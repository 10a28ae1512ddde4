/** Bounds of Solidity's int192, the type of every OCR1 observation and answer. */
export const INT192_MAX = (1n << 191n) - 1n;
export const INT192_MIN = -(1n << 191n);

export function isInt192(value: bigint): boolean {
  return value >= INT192_MIN && value <= INT192_MAX;
}

export function checkInt192(value: bigint): void {
  if (!isInt192(value)) throw new Error('value does not fit in int192');
}
