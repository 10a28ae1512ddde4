import { concat, getBytes, hexlify, toBeHex, toTwos, type BytesLike } from 'ethers';
import { ed25519Sign, ed25519Verify } from './curve25519.js';
import { checkInt192, isInt192 } from './int192.js';
import { encodeReportContext, type ReportContext } from './report-context.js';

/**
 * What an oracle signs with its Ed25519 off-chain key for one observation (libocr
 * `signedObservationWireMessage`): the 32-byte report context of the signer's (epoch, round)
 * followed by the value as a 24-byte big-endian two's-complement int192.
 */
export function observationPayload(context: ReportContext, value: bigint): Uint8Array {
  checkInt192(value);
  return getBytes(concat([encodeReportContext(context), toBeHex(toTwos(value, 192), 24)]));
}

/** 64-byte Ed25519 signature, 0x-hex. */
export function signObservation(
  context: ReportContext,
  value: bigint,
  offchainPrivateKey: BytesLike,
): string {
  return hexlify(ed25519Sign(getBytes(offchainPrivateKey), observationPayload(context, value)));
}

/** False for a bad signature, a malformed key or a value outside int192; never throws. */
export function verifyObservation(
  context: ReportContext,
  value: bigint,
  signature: BytesLike,
  offchainPublicKey: BytesLike,
): boolean {
  if (!isInt192(value)) return false;
  try {
    return ed25519Verify(
      getBytes(offchainPublicKey),
      observationPayload(context, value),
      getBytes(signature),
    );
  } catch {
    return false;
  }
}
