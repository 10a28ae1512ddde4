import { dataLength, dataSlice, getBytes, hexlify, Interface, type BytesLike } from 'ethers';

/** The arguments of `transmit(bytes report, bytes32[] rs, bytes32[] ss, bytes32 rawVs)`. */
export interface TransmitArgs {
  readonly report: string;
  readonly rs: readonly string[];
  readonly ss: readonly string[];
  readonly rawVs: string;
}

export const TRANSMIT_SELECTOR = '0xc9807539';

const transmitInterface = new Interface([
  'function transmit(bytes report, bytes32[] rs, bytes32[] ss, bytes32 rawVs)',
]);

/**
 * Splits 65-byte r ‖ s ‖ v signatures (v ∈ {0, 1}) into the contract's arguments:
 * rs[i], ss[i], and byte i of rawVs (from the most significant end) = v of signature i.
 */
export function transmitArgs(report: BytesLike, signatures: readonly BytesLike[]): TransmitArgs {
  if (signatures.length > 32) throw new Error('at most 32 signatures fit in rawVs');
  const rawVs = new Uint8Array(32);
  signatures.forEach((sig, i) => {
    if (dataLength(sig) !== 65) throw new Error(`signature ${i} is not 65 bytes`);
    rawVs[i] = getBytes(sig)[64] as number;
  });
  return {
    report: hexlify(report),
    rs: signatures.map((sig) => dataSlice(sig, 0, 32)),
    ss: signatures.map((sig) => dataSlice(sig, 32, 64)),
    rawVs: hexlify(rawVs),
  };
}

/** The exact canonical calldata of a transmit call; its length is what the contract checks first. */
export function encodeTransmitCalldata(args: TransmitArgs): string {
  return transmitInterface.encodeFunctionData('transmit', [args.report, args.rs, args.ss, args.rawVs]);
}

/** 4 + 7·32 + len(report) + 32·len(rs) + 32·len(ss): the only calldata length the contract accepts. */
export function expectedTransmitCalldataLength(reportLength: number, signatureCount: number): number {
  return 4 + 7 * 32 + reportLength + 64 * signatureCount;
}
