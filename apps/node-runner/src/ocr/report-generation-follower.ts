import { requestChainRead } from './chain-reads.js';
import { isBefore, type EpochRound } from './epoch-round.js';
import type { OcrEvent } from './events.js';
import { applyGuard } from './guard.js';
import { shouldReport } from './median-plugin.js';
import type { Message } from './messages.js';
import {
  isInt192,
  median,
  reportObservationsProblem,
  sameAttestedReport,
  type AttestedReport,
} from './observation.js';
import { countTrue, exceedsF } from './quorum.js';
import type { Scope } from './scope.js';
import { freshFollower, type ChainReadPurpose, type FollowerState, type OcrState } from './state.js';

/**
 * The follower's side of report generation (ocr1.md §9, libocr `report_generation_follower.go`).
 * Every oracle, the leader included, is a follower: observe when asked, check the leader's
 * ReportReq, sign at most one report per (epoch, round) ever, echo the Final, and hand it to
 * transmission once more than f oracles echoed it.
 */

type ObserveReqMessage = Extract<Message, { type: 'ObserveReq' }>;
type ReportReqMessage = Extract<Message, { type: 'ReportReq' }>;
type FinalMessage = Extract<Message, { type: 'Final' | 'FinalEcho' }>;
type ObservationReady = Extract<OcrEvent, { type: 'ObservationReady' }>;
type ChainStateRead = Extract<OcrEvent, { type: 'ChainStateRead' }>;

function withFollower(state: OcrState, follower: FollowerState): OcrState {
  return { ...state, reportGeneration: { ...state.reportGeneration, follower } };
}

export function onObserveReq(state: OcrState, from: number, msg: ObserveReqMessage, scope: Scope): OcrState {
  const { n, rMax } = state.config;
  const rg = state.reportGeneration;
  const fields = { epoch: msg.epoch, round: msg.round, sender: from };
  if (from !== rg.leader) {
    scope.log('warn', 'Dropping ObserveReq from a non-leader', fields);
    return state;
  }
  if (msg.round <= rg.follower.round) {
    scope.log('debug', 'Dropping ObserveReq for an earlier round', {
      ...fields,
      followerRound: rg.follower.round,
    });
    return state;
  }
  if (msg.round > rMax + 1) {
    scope.log('warn', 'Dropping ObserveReq beyond rMax + 1', fields);
    return state;
  }
  if (msg.round > rMax) {
    scope.signal({ kind: 'changeLeader' });
    return withFollower(state, { ...freshFollower(n, msg.round), completed: true });
  }
  scope.emit({ type: 'RequestObservation', epoch: rg.epoch, round: msg.round });
  return withFollower(state, { ...freshFollower(n, msg.round), awaitingObservation: true });
}

export function onObservationReady(state: OcrState, event: ObservationReady, scope: Scope): OcrState {
  const rg = state.reportGeneration;
  const follower = rg.follower;
  const fields = { epoch: event.epoch, round: event.round };
  if (event.epoch !== rg.epoch || event.round !== follower.round || !follower.awaitingObservation) {
    scope.log('debug', 'Dropping an observation for a round that is over', fields);
    return state;
  }
  const next = withFollower(state, { ...follower, awaitingObservation: false });
  if (event.value === undefined) {
    scope.log('warn', 'No observation this round', fields);
    return next;
  }
  if (!isInt192(event.value)) {
    scope.log('error', 'Observation does not fit in int192', fields);
    return next;
  }
  const signature = scope.ctx.signObservation(rg.epoch, follower.round, event.value);
  scope.emit({
    type: 'Send',
    to: rg.leader,
    message: { type: 'Observe', epoch: rg.epoch, round: follower.round, value: event.value, signature },
  });
  return next;
}

export function onReportReq(state: OcrState, from: number, msg: ReportReqMessage, scope: Scope): OcrState {
  const { n, f } = state.config;
  const rg = state.reportGeneration;
  const follower = rg.follower;
  const fields = { epoch: msg.epoch, round: msg.round, sender: from };
  if (from !== rg.leader) {
    scope.log('warn', 'Dropping ReportReq from a non-leader', fields);
    return state;
  }
  if (msg.round !== follower.round) {
    scope.log('debug', 'Dropping ReportReq for another round', { ...fields, followerRound: follower.round });
    return state;
  }
  if (follower.reportStatus !== 'awaitingRequest' || follower.completed) {
    scope.log('warn', 'Dropping a second ReportReq for the round', fields);
    return state;
  }
  const problem =
    reportObservationsProblem(msg.observations, n, f) ??
    (msg.observations.every((o) =>
      scope.ctx.verifyObservation(o.observer, rg.epoch, follower.round, o.value, o.signature),
    )
      ? undefined
      : 'invalid observation signature');
  if (problem) {
    scope.log('warn', 'Dropping invalid ReportReq', { ...fields, problem });
    return state;
  }
  if (!maySign(state, msg)) {
    scope.log('warn', 'Dropping ReportReq: already signed a report at or after this round', fields);
    return state;
  }
  const observations = msg.observations.map(({ observer, value }) => ({ observer, value }));
  const next = withFollower(state, { ...follower, reportStatus: 'checkingChain' });
  return requestChainRead(
    next,
    { kind: 'shouldReport', epoch: rg.epoch, round: follower.round, observations },
    scope,
  );
}

/** The contract state arrived: decide with the median plugin, then sign and send, or complete the round. */
export function onShouldReportRead(
  state: OcrState,
  purpose: Extract<ChainReadPurpose, { kind: 'shouldReport' }>,
  event: ChainStateRead,
  scope: Scope,
): OcrState {
  const { configDigest, alphaPpb, deltaCMs } = state.config;
  const rg = state.reportGeneration;
  const follower = rg.follower;
  const fields = { epoch: purpose.epoch, round: purpose.round };
  if (
    purpose.epoch !== rg.epoch ||
    purpose.round !== follower.round ||
    follower.reportStatus !== 'checkingChain' ||
    follower.completed
  ) {
    scope.log('debug', 'Dropping a chain read for a round that is over', fields);
    return state;
  }
  const reasons = shouldReport({
    configDigest,
    alphaPpb,
    deltaCMs,
    nowMs: scope.nowMs,
    observations: purpose.observations,
    latestTransmission: event.latestTransmission,
    latestRoundRequested: event.latestRoundRequested,
  });
  // The guard overrides every reason, the heartbeat included: a held feed keeps its last answer.
  const { state: next, held } = applyGuard(
    state,
    median(purpose.observations),
    event.latestTransmission,
    scope,
    true,
  );
  scope.log('info', 'Decided whether to report', {
    ...fields,
    report: reasons.length > 0 && held === undefined,
    reasons: reasons.join(','),
    ...(held ? { heldByGuard: held } : {}),
  });
  if (reasons.length === 0 || held) return completeRound(next, scope);
  if (!maySign(next, purpose)) {
    scope.log('warn', 'Not signing: already signed a report at or after this round', fields);
    return next;
  }
  const signature = scope.ctx.signReport(rg.epoch, follower.round, purpose.observations);
  scope.emit({
    type: 'Send',
    to: rg.leader,
    message: {
      type: 'Report',
      epoch: rg.epoch,
      round: follower.round,
      observations: purpose.observations,
      signature,
    },
  });
  // step() persists the new highestSigned before this Send reaches the runtime.
  return {
    ...withFollower(next, { ...follower, reportStatus: 'signed' }),
    highestSigned: { epoch: rg.epoch, round: follower.round },
  };
}

export function onFinal(state: OcrState, from: number, msg: FinalMessage, scope: Scope): OcrState {
  const rg = state.reportGeneration;
  const follower = rg.follower;
  const fields = { epoch: msg.epoch, round: msg.round, sender: from };
  if (from !== rg.leader) {
    scope.log('warn', 'Dropping Final from a non-leader', fields);
    return state;
  }
  if (msg.round !== follower.round || follower.sentEcho) {
    scope.log('debug', 'Dropping Final for another round or after echoing', fields);
    return state;
  }
  const problem = attestedReportProblem(state, msg.report, scope);
  if (problem) {
    scope.log('warn', 'Dropping invalid Final', { ...fields, problem });
    return state;
  }
  scope.emit({
    type: 'Broadcast',
    message: { type: 'FinalEcho', epoch: rg.epoch, round: follower.round, report: msg.report },
  });
  return withFollower(state, { ...follower, sentEcho: msg.report });
}

export function onFinalEcho(state: OcrState, from: number, msg: FinalMessage, scope: Scope): OcrState {
  const { f } = state.config;
  const rg = state.reportGeneration;
  const follower = rg.follower;
  const fields = { epoch: msg.epoch, round: msg.round, sender: from };
  if (msg.round !== follower.round || follower.completed) {
    scope.log('debug', 'Dropping FinalEcho for another round or a completed one', fields);
    return state;
  }
  if (follower.receivedEcho[from]) {
    scope.log('warn', 'Dropping repeated FinalEcho', fields);
    return state;
  }
  // Honest echoes repeat the report this node already verified; checking its signatures once is enough.
  const verified = follower.sentEcho !== undefined && sameAttestedReport(follower.sentEcho, msg.report);
  const problem = verified ? undefined : attestedReportProblem(state, msg.report, scope);
  if (problem) {
    scope.log('warn', 'Dropping invalid FinalEcho', { ...fields, problem });
    return state;
  }
  const receivedEcho = follower.receivedEcho.map((echoed, j) => echoed || j === from);
  let sentEcho = follower.sentEcho;
  if (!sentEcho) {
    sentEcho = msg.report;
    scope.emit({
      type: 'Broadcast',
      message: { type: 'FinalEcho', epoch: rg.epoch, round: follower.round, report: sentEcho },
    });
  }
  const next = withFollower(state, { ...follower, receivedEcho, sentEcho });
  if (!exceedsF(countTrue(receivedEcho), f)) return next;
  scope.signal({ kind: 'reportFinalized', epoch: rg.epoch, round: follower.round, report: sentEcho });
  return completeRound(next, scope);
}

function completeRound(state: OcrState, scope: Scope): OcrState {
  scope.signal({ kind: 'progress' });
  return withFollower(state, { ...state.reportGeneration.follower, completed: true });
}

/** The signing guard: this node signs only strictly after the highest (epoch, round) it ever signed. */
function maySign(state: OcrState, at: EpochRound): boolean {
  return state.highestSigned === undefined || isBefore(state.highestSigned, at);
}

/** A final report must be one the contract accepts, signed by more than f distinct oracles. */
function attestedReportProblem(state: OcrState, report: AttestedReport, scope: Scope): string | undefined {
  const { n, f } = state.config;
  const { epoch } = state.reportGeneration;
  const { round } = state.reportGeneration.follower;
  const problem = reportObservationsProblem(report.observations, n, f);
  if (problem) return problem;
  if (!exceedsF(report.signatures.length, f))
    return `only ${report.signatures.length} signatures, need more than ${f}`;
  const signers = new Set<number>();
  for (const { signer, signature } of report.signatures) {
    if (!Number.isInteger(signer) || signer < 0 || signer >= n || signers.has(signer))
      return `signer ${signer} out of range or repeated`;
    signers.add(signer);
    if (!scope.ctx.verifyReportSignature(signer, epoch, round, report.observations, signature))
      return `bad signature from ${signer}`;
  }
  return undefined;
}
