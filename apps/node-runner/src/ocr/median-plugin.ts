import type { LatestTransmission, RoundRequest } from './events.js';
import { isBefore } from './epoch-round.js';
import { median, type AttributedObservation } from './observation.js';

const PPB = 1_000_000_000n;

/** |value − reference| / |reference| ≥ alphaPpb / 1e9, exactly; from a zero reference any non-zero value deviates. */
export function deviates(value: bigint, reference: bigint, alphaPpb: bigint): boolean {
  if (reference === 0n) return value !== 0n;
  const diff = value > reference ? value - reference : reference - value;
  const magnitude = reference < 0n ? -reference : reference;
  return diff * PPB >= alphaPpb * magnitude;
}

export interface ShouldReportInput {
  readonly configDigest: string;
  readonly alphaPpb: bigint;
  readonly deltaCMs: number;
  readonly nowMs: number;
  /** The sorted observations of the leader's ReportReq. */
  readonly observations: readonly AttributedObservation[];
  readonly latestTransmission: LatestTransmission | 'timeout';
  readonly latestRoundRequested?: RoundRequest;
}

export type ReportReason = 'chainTimeout' | 'initialRound' | 'deviation' | 'heartbeat' | 'requested';

/**
 * The median plugin's decision (ocr1.md §9): report when any reason holds. A chain read that timed
 * out counts as a reason, erring towards reporting, as libocr does.
 */
export function shouldReport(input: ShouldReportInput): ReportReason[] {
  const latest = input.latestTransmission;
  if (latest === 'timeout') return ['chainTimeout'];
  const reasons: ReportReason[] = [];
  if (latest.configDigest === input.configDigest && latest.epoch === 0 && latest.round === 0)
    reasons.push('initialRound');
  if (deviates(median(input.observations), latest.answer, input.alphaPpb)) reasons.push('deviation');
  if (latest.timestampMs + input.deltaCMs < input.nowMs) reasons.push('heartbeat');
  const requested = input.latestRoundRequested;
  if (requested && requested.configDigest === input.configDigest && !isBefore(requested, latest))
    reasons.push('requested');
  return reasons;
}
