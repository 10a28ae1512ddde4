import { concat, dataLength, dataSlice, getBytes, toBeHex, zeroPadValue, type BytesLike } from 'ethers';
import { checkEpoch, checkRound } from './epoch-round.js';

/** What every OCR1 signature is bound to: one config, one (epoch, round). */
export interface ReportContext {
  /** 0x + 16-byte config digest. */
  readonly configDigest: string;
  readonly epoch: number;
  readonly round: number;
}

/**
 * The 32-byte rawReportContext (libocr's domain separation tag, ocr1.md §10):
 * 11 zero bytes ‖ configDigest (16) ‖ epoch (uint32 BE) ‖ round (uint8).
 */
export function encodeReportContext(context: ReportContext): string {
  if (dataLength(context.configDigest) !== 16) throw new Error('config digest must be 16 bytes');
  checkEpoch(context.epoch);
  checkRound(context.round);
  return zeroPadValue(
    concat([context.configDigest, toBeHex(context.epoch, 4), toBeHex(context.round, 1)]),
    32,
  );
}

export function decodeReportContext(raw: BytesLike): ReportContext {
  const bytes = getBytes(raw);
  if (bytes.length !== 32) throw new Error('report context must be 32 bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, 32);
  return { configDigest: dataSlice(bytes, 11, 27), epoch: view.getUint32(27), round: view.getUint8(31) };
}

/** epoch · 256 + round: the contract's uint40 epochAndRound, ordered like (epoch, round). */
export function epochAndRound(context: Pick<ReportContext, 'epoch' | 'round'>): bigint {
  return BigInt(context.epoch) * 256n + BigInt(context.round);
}
