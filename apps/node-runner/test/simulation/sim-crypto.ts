import { createHmac } from 'node:crypto';
import {
  encodeReport,
  generateOracleKeys,
  leader,
  recoverReportSigner,
  signObservation,
  signReport,
  transmitDelayNs,
  verifyObservation,
  type OracleKeys,
} from '@oracle/evm';
import type { AttributedObservation, OcrContext, ProtocolConfig } from '../../src/ocr/index.js';
import type { Prng } from './prng.js';

/**
 * The simulated DON's keys and the ctx each node gets. Leader(e) and the transmission schedule
 * are always packages/evm's real ones; signatures are either the real OCR1 ones (Ed25519 over
 * the observation payload, secp256k1 over keccak256 of the ABI report) or a fast keyed-hash
 * double for runs over many seeds.
 */
export interface SimCrypto {
  contextFor(oracleId: number): OcrContext;
  /** The contract's ecrecover: which configured signer made this report signature, if any. */
  recoverSigner(
    epoch: number,
    round: number,
    observations: readonly AttributedObservation[],
    signature: Uint8Array,
  ): number | undefined;
}

type Shared = Pick<OcrContext, 'leader'> & {
  transmissionDelayMs(oracleId: number, epoch: number, round: number): number | undefined;
};

function sharedFunctions(config: ProtocolConfig, prng: Prng): Shared {
  const leaderSelectionKey = prng.bytes(16);
  const transmissionOrderKey = prng.bytes(16);
  return {
    leader: (epoch) => leader(epoch, config.n, leaderSelectionKey),
    transmissionDelayMs: (oracleId, epoch, round) => {
      const input = {
        transmissionOrderKey,
        configDigest: config.configDigest,
        epoch,
        round,
        n: config.n,
        s: config.s,
        deltaStageNs: BigInt(config.deltaStageMs) * 1_000_000n,
      };
      const ns = transmitDelayNs(input, oracleId);
      return ns === undefined ? undefined : Number(ns / 1_000_000n);
    },
  };
}

const observationsText = (os: readonly AttributedObservation[]): string =>
  os.map((o) => `${o.observer}:${o.value}`).join(',');

/** HMAC-SHA256 under a secret per oracle: unforgeable by the other simulated nodes, and fast. */
export function fastCrypto(config: ProtocolConfig, prng: Prng): SimCrypto {
  const shared = sharedFunctions(config, prng);
  const secrets = Array.from({ length: config.n }, () => prng.bytes(32));
  const mac = (oracleId: number, text: string): Uint8Array => {
    const secret = secrets[oracleId];
    return secret
      ? new Uint8Array(createHmac('sha256', secret).update(`${config.configDigest}|${text}`).digest())
      : new Uint8Array();
  };
  const observationMac = (id: number, e: number, r: number, v: bigint) => mac(id, `obs|${e}|${r}|${v}`);
  const reportMac = (id: number, e: number, r: number, os: readonly AttributedObservation[]) =>
    mac(id, `rep|${e}|${r}|${observationsText(os)}`);
  const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
  const ids = Array.from({ length: config.n }, (_, i) => i);
  return {
    contextFor: (me) => ({
      leader: shared.leader,
      transmissionDelayMs: (epoch, round) => shared.transmissionDelayMs(me, epoch, round),
      signObservation: (epoch, round, value) => observationMac(me, epoch, round, value),
      verifyObservation: (id, epoch, round, value, sig) => same(sig, observationMac(id, epoch, round, value)),
      signReport: (epoch, round, observations) => reportMac(me, epoch, round, observations),
      verifyReportSignature: (id, epoch, round, observations, sig) =>
        same(sig, reportMac(id, epoch, round, observations)),
    }),
    recoverSigner: (epoch, round, observations, sig) =>
      ids.find((id) => same(sig, reportMac(id, epoch, round, observations))),
  };
}

const toBytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.slice(2), 'hex'));
const toHex = (bytes: Uint8Array): string => `0x${Buffer.from(bytes).toString('hex')}`;

/** The production signatures from packages/evm, with each node's own keys. Slow: a recovery costs ~3 ms. */
export function evmCrypto(config: ProtocolConfig, prng: Prng): SimCrypto {
  const shared = sharedFunctions(config, prng);
  const keys: OracleKeys[] = Array.from({ length: config.n }, () =>
    generateOracleKeys((length) => prng.bytes(length)),
  );
  const signers = keys.map((k) => k.onchainSigningAddress.toLowerCase());
  const reportContext = (epoch: number, round: number) => ({
    configDigest: config.configDigest,
    epoch,
    round,
  });
  const recover = (
    epoch: number,
    round: number,
    observations: readonly AttributedObservation[],
    sig: Uint8Array,
  ): number | undefined => {
    try {
      const signer = recoverReportSigner(
        encodeReport(reportContext(epoch, round), observations),
        toHex(sig),
      )?.toLowerCase();
      const index = signer === undefined ? -1 : signers.indexOf(signer);
      return index >= 0 ? index : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    contextFor: (me) => {
      const secret = keys[me]?.reveal();
      if (!secret) throw new Error(`no keys for oracle ${me}`);
      return {
        leader: shared.leader,
        transmissionDelayMs: (epoch, round) => shared.transmissionDelayMs(me, epoch, round),
        signObservation: (epoch, round, value) =>
          toBytes(signObservation(reportContext(epoch, round), value, secret.offchainPrivateKey)),
        verifyObservation: (id, epoch, round, value, sig) => {
          const publicKey = keys[id]?.offchainPublicKey;
          return (
            publicKey !== undefined &&
            verifyObservation(reportContext(epoch, round), value, toHex(sig), publicKey)
          );
        },
        signReport: (epoch, round, observations) =>
          toBytes(
            signReport(encodeReport(reportContext(epoch, round), observations), secret.onchainSigningKey),
          ),
        verifyReportSignature: (id, epoch, round, observations, sig) =>
          recover(epoch, round, observations, sig) === id,
      };
    },
    recoverSigner: recover,
  };
}
