import { err, ok, type Result } from '@oracle/core';
import { chainClassOf, chainMinimumsOf, type ChainMinimums } from './chain-limits.js';
import { decodeOffchainConfig, ENCODED_CONFIG_VERSION, type OffchainConfig } from './config-encoding.js';

/** libocr's MaxOracles, also the contract's maxNumOracles. */
export const MAX_ORACLES = 31;

/** What `setConfig` takes and `ConfigSet` carries (ocr1.md §2). */
export interface ContractConfig {
  /** On-chain signing addresses; the index is the OracleID. */
  readonly signers: readonly string[];
  /** Transmitter EOAs, same order. */
  readonly transmitters: readonly string[];
  /** f, the number of faulty oracles tolerated. */
  readonly threshold: number;
  readonly encodedConfigVersion: bigint;
  /** 0x-hex of the ABI tuple of ocr1.md §3. */
  readonly encoded: string;
}

export interface OracleIdentity {
  readonly signer: string;
  readonly transmitter: string;
  /** 0x + 32-byte Ed25519 public key. */
  readonly offchainPublicKey: string;
  readonly peerId: string;
}

/** A decoded and validated config, as libocr's PublicConfig plus the shared-secret encryptions. */
export interface PublicConfig extends Omit<OffchainConfig, 'offchainPublicKeys' | 'peerIds'> {
  readonly f: number;
  readonly n: number;
  readonly oracles: readonly OracleIdentity[];
}

export interface ParseConfigOptions {
  readonly chainId: bigint;
  /** Skip the chain-class minimums (libocr's "dangerous development mode"). Never in production. */
  readonly skipChainSpecificChecks?: boolean;
}

/**
 * Decodes and validates a contract config the way a libocr node does before using it
 * (`internal/config/public_config.go`): version 1, list lengths, protocol bounds, chain minimums.
 */
export function parsePublicConfig(
  config: ContractConfig,
  options: ParseConfigOptions,
): Result<PublicConfig, string> {
  if (config.encodedConfigVersion !== ENCODED_CONFIG_VERSION) {
    return err(
      `unsupported encodedConfigVersion ${config.encodedConfigVersion} (want ${ENCODED_CONFIG_VERSION})`,
    );
  }
  const decoded = decodeOffchainConfig(config.encoded);
  if (!decoded.ok) return decoded;
  const oc = decoded.value;
  const n = config.signers.length;
  const lists: ReadonlyArray<readonly [string, number]> = [
    ['peer ID', oc.peerIds.length],
    ['offchain public keys', oc.offchainPublicKeys.length],
    ['transmitter address', config.transmitters.length],
    ['shared-secret encryptions', oc.sharedSecretEncryptions.encryptions.length],
  ];
  for (const [name, length] of lists) {
    if (length !== n)
      return err(`${name} list must have same length as onchain signers list: ${length} ≠ ${n}`);
  }
  const { offchainPublicKeys, peerIds, ...timings } = oc;
  const publicConfig: PublicConfig = {
    ...timings,
    f: config.threshold,
    n,
    oracles: config.signers.map((signer, i) => ({
      signer,
      transmitter: config.transmitters[i] as string,
      offchainPublicKey: offchainPublicKeys[i] as string,
      peerId: peerIds[i] as string,
    })),
  };
  const bounds = checkProtocolBounds(publicConfig);
  if (!bounds.ok || options.skipChainSpecificChecks) return bounds;
  return checkChainMinimums(publicConfig, options.chainId);
}

function checkProtocolBounds(c: PublicConfig): Result<PublicConfig, string> {
  const nonNegative: ReadonlyArray<readonly [string, bigint]> = [
    ['DeltaC', c.deltaCNs],
    ['DeltaStage', c.deltaStageNs],
    ['DeltaRound', c.deltaRoundNs],
    ['DeltaProgress', c.deltaProgressNs],
    ['DeltaResend', c.deltaResendNs],
  ];
  for (const [name, value] of nonNegative) {
    if (value < 0n) return err(`${name} (${value}ns) must be non-negative`);
  }
  if (!(c.f >= 0 && 3 * c.f < c.n))
    return err(`F (${c.f}) must be non-negative and less than N/3 (N = ${c.n})`);
  if (c.n > MAX_ORACLES) return err(`N (${c.n}) must be less than or equal MaxOracles (${MAX_ORACLES})`);
  if (c.deltaGraceNs < 0n) return err(`DeltaGrace (${c.deltaGraceNs}ns) must be non-negative`);
  if (!(c.deltaGraceNs < c.deltaRoundNs)) return err('DeltaGrace must be less than DeltaRound');
  if (!(c.deltaRoundNs < c.deltaProgressNs)) return err('DeltaRound must be less than DeltaProgress');
  if (!(c.rMax > 0 && c.rMax < 255))
    return err(`RMax (${c.rMax}) must be greater than zero and less than 255`);
  if (!(c.s.length < 1000)) return err(`len(S) (${c.s.length}) must be less than 1000`);
  const badStage = c.s.findIndex((x) => !(x >= 0 && x <= MAX_ORACLES));
  if (badStage >= 0) return err(`S[${badStage}] must be between 0 and ${MAX_ORACLES}`);
  return ok(c);
}

function checkChainMinimums(c: PublicConfig, chainId: bigint): Result<PublicConfig, string> {
  const min: ChainMinimums = chainMinimumsOf(chainId);
  const checks: ReadonlyArray<readonly [string, bigint, bigint]> = [
    ['DeltaC', c.deltaCNs, min.deltaCNs],
    ['DeltaStage', c.deltaStageNs, min.deltaStageNs],
    ['DeltaRound', c.deltaRoundNs, min.deltaRoundNs],
    ['DeltaProgress', c.deltaProgressNs, min.deltaProgressNs],
    ['DeltaResend', c.deltaResendNs, min.deltaResendNs],
  ];
  for (const [name, value, minimum] of checks) {
    if (value < minimum) {
      return err(
        `${name} (${value}ns) must be at least ${minimum}ns on chain ${chainId} (${chainClassOf(chainId)} class)`,
      );
    }
  }
  return ok(c);
}
