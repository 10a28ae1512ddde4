import { randomBytes } from 'node:crypto';
import {
  decodeOffchainConfig,
  encodeOffchainConfig,
  encryptSharedSecret,
  ENCODED_CONFIG_VERSION,
  type ConfigSetEvent,
  type ContractConfig,
  type OffchainConfig,
} from '@oracle/evm';
import type { NodePublicKeys } from '../keys/node-keys.js';

const NS_PER_MS = 1_000_000n;

/** The on-chain OCR timing (milliseconds, as in configuration.json) and one feed's reporting thresholds. */
export interface OracleSetParams {
  /** The oracles in OracleID order. */
  readonly oracles: readonly NodePublicKeys[];
  readonly f: number;
  readonly deltaProgressMs: number;
  readonly deltaResendMs: number;
  readonly deltaRoundMs: number;
  readonly deltaGraceMs: number;
  readonly deltaStageMs: number;
  readonly rMax: number;
  /** deltaC: report when the on-chain answer is older. */
  readonly heartbeatSeconds: number;
  /** alphaPPB: report when the median moved this much. */
  readonly deviationPpb: number;
}

/**
 * The transmission schedule S for n oracles, f faulty: [1, f, n - 1 - f]. Stage 0 has one
 * transmitter, so a healthy DON pays for one transaction per report. Stage 1 adds f more, so one
 * deltaStage later f + 1 distinct oracles have tried and at least one of them is honest (with
 * [1, 1, 1, …] that takes f stages; the reference's [1, 2, 2, …] overshoots for f = 1 and falls
 * short for f > 2). Stage 2 brings in everyone else, for crashes beyond f.
 */
export function transmissionSchedule(n: number, f: number): number[] {
  return [1, f, n - 1 - f].filter((count) => count > 0);
}

/**
 * The ContractConfig for setConfig: signers, transmitters, f, and the encoded tuple with a fresh
 * shared secret encrypted to each oracle's X25519 config key. `random` is injectable for tests.
 */
export function buildContractConfig(
  params: OracleSetParams,
  random: (length: number) => Uint8Array = (length) => new Uint8Array(randomBytes(length)),
): ContractConfig {
  const { oracles, f } = params;
  const n = oracles.length;
  if (!(f >= 1 && 3 * f < n)) throw new Error(`f = ${f} needs 3f < n with n = ${n} oracles`);
  const offchain: OffchainConfig = {
    deltaProgressNs: BigInt(params.deltaProgressMs) * NS_PER_MS,
    deltaResendNs: BigInt(params.deltaResendMs) * NS_PER_MS,
    deltaRoundNs: BigInt(params.deltaRoundMs) * NS_PER_MS,
    deltaGraceNs: BigInt(params.deltaGraceMs) * NS_PER_MS,
    deltaCNs: BigInt(params.heartbeatSeconds) * 1_000n * NS_PER_MS,
    alphaPpb: BigInt(params.deviationPpb),
    deltaStageNs: BigInt(params.deltaStageMs) * NS_PER_MS,
    rMax: params.rMax,
    s: transmissionSchedule(n, f),
    offchainPublicKeys: oracles.map((o) => o.offchainPublicKey),
    peerIds: oracles.map((o) => o.peerId),
    sharedSecretEncryptions: encryptSharedSecret(
      oracles.map((o) => o.configPublicKey),
      random(16),
      random(32),
    ),
  };
  return {
    signers: oracles.map((o) => o.onchainSigningAddress),
    transmitters: oracles.map((o) => o.transmitterAddress),
    threshold: f,
    encodedConfigVersion: ENCODED_CONFIG_VERSION,
    encoded: encodeOffchainConfig(offchain),
  };
}

/**
 * How the contract's current config differs from the wanted one, in the two parts the Super
 * Protocol flavour sets separately. `oracles`: signers, transmitters, f, the schedule, off-chain
 * keys, peer ids (the admin's setConfig). `timings`: the durations, alphaPPB, rMax and the encoded
 * version (the owner's setConsensusConfig). The shared-secret encryptions are random per setConfig
 * and not compared, only their count. A config that does not decode differs in both.
 */
export function configDifferences(
  current: ContractConfig,
  wanted: ContractConfig,
): { readonly oracles: boolean; readonly timings: boolean } {
  const a = decodeOffchainConfig(current.encoded);
  const b = decodeOffchainConfig(wanted.encoded);
  if (!a.ok || !b.ok) return { oracles: true, timings: true };
  const lower = (list: readonly string[]): string => list.map((x) => x.toLowerCase()).join(',');
  const oracles =
    lower(current.signers) !== lower(wanted.signers) ||
    lower(current.transmitters) !== lower(wanted.transmitters) ||
    current.threshold !== wanted.threshold ||
    a.value.s.join(',') !== b.value.s.join(',') ||
    lower(a.value.offchainPublicKeys) !== lower(b.value.offchainPublicKeys) ||
    a.value.peerIds.join(',') !== b.value.peerIds.join(',') ||
    a.value.sharedSecretEncryptions.encryptions.length !== b.value.sharedSecretEncryptions.encryptions.length;
  const timings =
    current.encodedConfigVersion !== wanted.encodedConfigVersion ||
    (
      [
        'deltaProgressNs',
        'deltaResendNs',
        'deltaRoundNs',
        'deltaGraceNs',
        'deltaCNs',
        'alphaPpb',
        'deltaStageNs',
      ] as const
    ).some((key) => a.value[key] !== b.value[key]) ||
    a.value.rMax !== b.value.rMax;
  return { oracles, timings };
}

/**
 * Whether the contract's current config already is the wanted one: same oracles, f, timings and
 * thresholds. The shared-secret encryptions are random per setConfig and not compared.
 */
export function sameContractConfig(current: ConfigSetEvent, wanted: ContractConfig): boolean {
  const differences = configDifferences(current, wanted);
  return !differences.oracles && !differences.timings;
}
