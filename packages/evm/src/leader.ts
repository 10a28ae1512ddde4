import { concat, getBytes, keccak256, type BytesLike } from 'ethers';
import { checkEpoch, uint64LE } from './epoch-round.js';

/**
 * Leader(e) (ocr1.md §6): keccak256(leaderSelectionKey ‖ uint64 LE(epoch)) read as a
 * big-endian integer, modulo n. Epochs start at 1.
 */
export function leader(epoch: number, n: number, leaderSelectionKey: BytesLike): number {
  checkEpoch(epoch);
  if (!Number.isInteger(n) || n < 1) throw new Error(`n ${n} must be a positive integer`);
  if (getBytes(leaderSelectionKey).length !== 16) throw new Error('leader selection key must be 16 bytes');
  return Number(BigInt(keccak256(concat([leaderSelectionKey, uint64LE(epoch)]))) % BigInt(n));
}
