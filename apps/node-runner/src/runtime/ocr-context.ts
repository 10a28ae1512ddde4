import { getBytes, hexlify } from 'ethers';
import {
  encodeReport,
  leader,
  leaderSelectionKey,
  recoverReportSigner,
  signObservation,
  signReport,
  transmissionOrderKey,
  transmitDelayNs,
  verifyObservation,
  type OracleKeys,
  type PublicConfig,
} from '@oracle/evm';
import type { AnswerGuard, AttributedObservation, OcrContext, ProtocolConfig } from '../ocr/index.js';
import type { Membership } from '../ports/config-tracker.js';

const NS_PER_MS = 1_000_000n;

/**
 * The core's parameters for one accepted config (the chain carries nanoseconds; the core takes ms),
 * plus this node's feed guard, which comes from its configuration file, not from the chain.
 */
export function protocolConfig(
  configDigest: string,
  pc: PublicConfig,
  oracleId: number,
  guard?: AnswerGuard,
): ProtocolConfig {
  const ms = (ns: bigint): number => Number(ns / NS_PER_MS);
  return {
    configDigest: configDigest.toLowerCase(),
    n: pc.n,
    f: pc.f,
    oracleId,
    deltaProgressMs: ms(pc.deltaProgressNs),
    deltaResendMs: ms(pc.deltaResendNs),
    deltaRoundMs: ms(pc.deltaRoundNs),
    deltaGraceMs: ms(pc.deltaGraceNs),
    deltaStageMs: ms(pc.deltaStageNs),
    deltaCMs: ms(pc.deltaCNs),
    rMax: pc.rMax,
    s: pc.s,
    alphaPpb: pc.alphaPpb,
    ...(guard ? { guard } : {}),
  };
}

/**
 * The core's crypto and schedule for one config, from @oracle/evm and this node's keys: Leader(e)
 * and the transmission delays from the shared secret, Ed25519 observation signatures, secp256k1
 * report signatures. Nothing here throws: malformed input verifies as false.
 */
export function ocrContext(
  configDigest: string,
  pc: PublicConfig,
  membership: Membership,
  keys: OracleKeys,
): OcrContext {
  const secret = keys.reveal();
  const leaderKey = leaderSelectionKey(membership.sharedSecret);
  const orderKey = transmissionOrderKey(membership.sharedSecret);
  const signers = pc.oracles.map((o) => o.signer.toLowerCase());
  const context = (epoch: number, round: number) => ({ configDigest, epoch, round });
  const reports = new ReportCache();
  const report = (epoch: number, round: number, observations: readonly AttributedObservation[]): string =>
    reports.get(epoch, round, observations, () => encodeReport(context(epoch, round), observations));
  return {
    leader: (epoch) => leader(epoch, pc.n, leaderKey),
    transmissionDelayMs(epoch, round) {
      const ns = transmitDelayNs(
        {
          transmissionOrderKey: orderKey,
          configDigest,
          epoch,
          round,
          n: pc.n,
          s: pc.s,
          deltaStageNs: pc.deltaStageNs,
        },
        membership.oracleId,
      );
      return ns === undefined ? undefined : Number(ns / NS_PER_MS);
    },
    signObservation: (epoch, round, value) =>
      getBytes(signObservation(context(epoch, round), value, secret.offchainPrivateKey)),
    verifyObservation(oracleId, epoch, round, value, signature) {
      const publicKey = pc.oracles[oracleId]?.offchainPublicKey;
      if (publicKey === undefined) return false;
      try {
        return verifyObservation(context(epoch, round), value, hexlify(signature), publicKey);
      } catch {
        return false;
      }
    },
    signReport: (epoch, round, observations) =>
      getBytes(signReport(report(epoch, round, observations), secret.onchainSigningKey)),
    verifyReportSignature(oracleId, epoch, round, observations, signature) {
      const signer = signers[oracleId];
      if (signer === undefined) return false;
      try {
        return recoverReportSigner(report(epoch, round, observations), signature)?.toLowerCase() === signer;
      } catch {
        return false;
      }
    },
  };
}

/** The last few encoded reports: a round's reports are encoded once, not once per signature checked. */
class ReportCache {
  readonly #entries = new Map<string, string>();

  get(
    epoch: number,
    round: number,
    observations: readonly AttributedObservation[],
    encode: () => string,
  ): string {
    const key = `${epoch}:${round}:${observations.map((o) => `${o.observer}=${o.value}`).join(',')}`;
    let encoded = this.#entries.get(key);
    if (encoded === undefined) {
      encoded = encode();
      this.#entries.set(key, encoded);
      if (this.#entries.size > 8) this.#entries.delete(this.#entries.keys().next().value as string);
    }
    return encoded;
  }
}
