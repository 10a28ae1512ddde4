import {
  concat,
  dataLength,
  dataSlice,
  getBytes,
  recoverAddress,
  Signature,
  SigningKey,
  toBeHex,
  type BytesLike,
} from 'ethers';
import { reportHash } from './report.js';

/**
 * Signs a report the way libocr does (go-ethereum crypto.Sign over keccak256(report)): plain
 * secp256k1, no "\x19Ethereum Signed Message" prefix. Returns 65 bytes r ‖ s ‖ v with v ∈ {0, 1}.
 */
export function signReport(report: BytesLike, onchainSigningKey: BytesLike): string {
  const sig = new SigningKey(onchainSigningKey).sign(reportHash(report));
  return concat([sig.r, sig.s, toBeHex(sig.yParity, 1)]);
}

/** The signer address of a 65-byte report signature, or undefined for a malformed one. */
export function recoverReportSigner(report: BytesLike, signature: BytesLike): string | undefined {
  try {
    if (dataLength(signature) !== 65) return undefined;
    const v = getBytes(signature)[64];
    if (v !== 0 && v !== 1) return undefined;
    const sig = Signature.from({
      r: dataSlice(signature, 0, 32),
      s: dataSlice(signature, 32, 64),
      yParity: v,
    });
    return recoverAddress(reportHash(report), sig);
  } catch {
    return undefined;
  }
}
