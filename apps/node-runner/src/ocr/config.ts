import type { AnswerGuard } from './guard.js';

/** Most oracles an OCR1 contract accepts (libocr `types.MaxOracles`). */
export const MAX_ORACLES = 31;

/**
 * The parameters of one protocol instance: one feed under one on-chain config (digest).
 * Durations are milliseconds here; the on-chain config carries nanoseconds and the runtime converts.
 */
export interface ProtocolConfig {
  /** 0x + 16-byte config digest, lower-case hex: the instance's identity and signature domain. */
  readonly configDigest: string;
  /** Number of oracles. */
  readonly n: number;
  /** Faulty oracles tolerated; 3f < n. */
  readonly f: number;
  /** This node's OracleID (its index in the config's signers). */
  readonly oracleId: number;
  readonly deltaProgressMs: number;
  readonly deltaResendMs: number;
  readonly deltaRoundMs: number;
  readonly deltaGraceMs: number;
  /** Gap between transmission stages; read by ctx.transmissionDelayMs, not by the core. */
  readonly deltaStageMs: number;
  /** Heartbeat: report when the on-chain answer is older than this. */
  readonly deltaCMs: number;
  /** Rounds per epoch before the leader must change. */
  readonly rMax: number;
  /** Transmission schedule; read by ctx.transmissionDelayMs, not by the core. */
  readonly s: readonly number[];
  /** Deviation threshold in parts per billion (reporting and re-transmitting). */
  readonly alphaPpb: bigint;
  /** The feed guard (this node's configuration, not the chain's); absent: off. */
  readonly guard?: AnswerGuard;
}

const DIGEST_RE = /^0x[0-9a-f]{32}$/;

/** What is wrong with a config (libocr's public-config checks); empty when it is usable. */
export function configProblems(config: ProtocolConfig): string[] {
  const problems: string[] = [];
  const { n, f } = config;
  if (!DIGEST_RE.test(config.configDigest))
    problems.push('configDigest must be 0x + 32 lower-case hex digits');
  if (!Number.isInteger(n) || n < 1 || n > MAX_ORACLES)
    problems.push(`n must be an integer in 1..${MAX_ORACLES}`);
  if (!Number.isInteger(f) || f < 0 || 3 * f >= n)
    problems.push('f must be a non-negative integer with 3f < n');
  if (!Number.isInteger(config.oracleId) || config.oracleId < 0 || config.oracleId >= n)
    problems.push('oracleId must be in 0..n-1');
  const durations = [
    'deltaProgressMs',
    'deltaResendMs',
    'deltaRoundMs',
    'deltaGraceMs',
    'deltaStageMs',
    'deltaCMs',
  ] as const;
  for (const name of durations) {
    if (!Number.isFinite(config[name]) || config[name] < 0)
      problems.push(`${name} must be a non-negative number`);
  }
  if (!(config.deltaGraceMs < config.deltaRoundMs && config.deltaRoundMs < config.deltaProgressMs)) {
    problems.push('deltaGraceMs < deltaRoundMs < deltaProgressMs must hold');
  }
  if (!Number.isInteger(config.rMax) || config.rMax <= 0 || config.rMax >= 255)
    problems.push('rMax must be an integer in 1..254');
  if (config.s.length >= 1000 || config.s.some((x) => !Number.isInteger(x) || x < 0 || x > MAX_ORACLES)) {
    problems.push(`s must have fewer than 1000 entries, each in 0..${MAX_ORACLES}`);
  }
  if (config.alphaPpb < 0n) problems.push('alphaPpb must not be negative');
  const guard = config.guard;
  if (guard?.maxChangePpb !== undefined && guard.maxChangePpb <= 0n)
    problems.push('guard.maxChangePpb must be positive');
  if (guard?.band && guard.band.min >= guard.band.max) problems.push('guard.band.min must be below its max');
  return problems;
}
