import { concat, dataSlice, getBytes, hexlify } from 'ethers';
import {
  decodeReport,
  encodeReport,
  recoverReportSigner,
  transmitArgs,
  type ReportContext,
  type TransmitArgs,
} from '@oracle/evm';
import type { AttestedReport, PendingTransmission } from '../ocr/index.js';
import type { SerializedPendingTransmission } from '../ports/store.js';

/** The on-chain form of an attested report of one (digest, epoch, round): what `transmit` takes. */
export function toTransmitArgs(context: ReportContext, report: AttestedReport): TransmitArgs {
  const encoded = encodeReport(context, report.observations);
  return transmitArgs(
    encoded,
    report.signatures.map((s) => hexlify(s.signature)),
  );
}

/** A pending transmission in the store's form (libocr's: report bytes, rs, ss, vs). */
export function serializePendingTransmission(
  configDigest: string,
  pending: PendingTransmission,
): SerializedPendingTransmission {
  const { epoch, round } = pending;
  const args = toTransmitArgs({ configDigest, epoch, round }, pending.report);
  return {
    configDigest,
    epoch,
    round,
    transmitAtMs: pending.transmitAtMs,
    median: pending.median,
    serializedReport: args.report,
    rs: args.rs,
    ss: args.ss,
    vs: args.rawVs,
  };
}

/**
 * Back from the store's form: the observations come from the report bytes, each signature's
 * signer index from recovering it against the config's signers. Undefined for a row that does not
 * decode or whose signatures are not all from configured signers (it is dropped, not guessed).
 */
export function deserializePendingTransmission(
  row: SerializedPendingTransmission,
  signers: readonly string[],
): PendingTransmission | undefined {
  const decoded = decodeReport(row.serializedReport);
  if (!decoded.ok || row.rs.length !== row.ss.length) return undefined;
  const lowerSigners = signers.map((s) => s.toLowerCase());
  const vs = getBytes(row.vs);
  const signatures = [];
  for (const [i, r] of row.rs.entries()) {
    const s = row.ss[i] as string;
    const signature = concat([r, s, dataSlice(vs, i, i + 1)]);
    const signer = recoverReportSigner(row.serializedReport, signature)?.toLowerCase();
    const index = signer === undefined ? -1 : lowerSigners.indexOf(signer);
    if (index < 0) return undefined;
    signatures.push({ signer: index, signature: getBytes(signature) });
  }
  return {
    epoch: row.epoch,
    round: row.round,
    transmitAtMs: row.transmitAtMs,
    median: row.median,
    report: { observations: decoded.value.observations, signatures },
  };
}
