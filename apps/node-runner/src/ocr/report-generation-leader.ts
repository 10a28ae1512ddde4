import type { Timer } from './effects.js';
import type { Message } from './messages.js';
import { isInt192, reportObservationsProblem, sameObservations, sortObservations } from './observation.js';
import { exceeds2F, exceedsF } from './quorum.js';
import type { Scope } from './scope.js';
import type { LeaderState, OcrState } from './state.js';

/**
 * The leader's side of report generation (ocr1.md §9, libocr `report_generation_leader.go`):
 * a round every deltaRound; gather more than 2f signed observations plus deltaGrace; send them
 * sorted in a ReportReq; when more than f followers signed the same report, send it as Final.
 */

type ObserveMessage = Extract<Message, { type: 'Observe' }>;
type ReportMessage = Extract<Message, { type: 'Report' }>;

/** Starts the next round, unless the last one (rMax + 1, which tells followers to change leader) was sent. */
export function startRound(state: OcrState, scope: Scope): OcrState {
  const { n, rMax, deltaRoundMs } = state.config;
  const rg = state.reportGeneration;
  const previous = rg.leaderState;
  const round = (previous?.round ?? 0) + 1;
  if (round > rMax + 1) return state;
  if (previous?.phase === 'grace')
    scope.emit({ type: 'CancelTimer', timer: { kind: 'grace', epoch: rg.epoch, round: previous.round } });
  const leaderState: LeaderState = {
    round,
    phase: 'observe',
    observations: Array(n).fill(undefined),
    reports: Array(n).fill(undefined),
  };
  scope.emit({ type: 'Broadcast', message: { type: 'ObserveReq', epoch: rg.epoch, round } });
  if (round <= rMax)
    scope.emit({ type: 'SetTimer', timer: { kind: 'round', epoch: rg.epoch }, afterMs: deltaRoundMs });
  return { ...state, reportGeneration: { ...rg, leaderState } };
}

export function onRoundTimer(
  state: OcrState,
  timer: Extract<Timer, { kind: 'round' }>,
  scope: Scope,
): OcrState {
  const rg = state.reportGeneration;
  if (timer.epoch !== rg.epoch || !rg.leaderState) return state;
  return startRound(state, scope);
}

export function onObserve(state: OcrState, from: number, msg: ObserveMessage, scope: Scope): OcrState {
  const { f, deltaGraceMs } = state.config;
  const rg = state.reportGeneration;
  const ls = rg.leaderState;
  const fields = { epoch: msg.epoch, round: msg.round, sender: from };
  if (!ls) {
    scope.log('warn', 'Dropping Observe: this node does not lead the epoch', fields);
    return state;
  }
  if (msg.round !== ls.round || (ls.phase !== 'observe' && ls.phase !== 'grace')) {
    scope.log('debug', 'Dropping Observe for another round or phase', {
      ...fields,
      leaderRound: ls.round,
      phase: ls.phase,
    });
    return state;
  }
  if (ls.observations[from]) {
    scope.log('debug', 'Dropping repeated Observe', fields);
    return state;
  }
  if (
    !isInt192(msg.value) ||
    !scope.ctx.verifyObservation(from, rg.epoch, ls.round, msg.value, msg.signature)
  ) {
    scope.log('warn', 'Dropping Observe with an invalid signature', fields);
    return state;
  }
  const observations = ls.observations.map((o, j) =>
    j === from ? { observer: from, value: msg.value, signature: msg.signature } : o,
  );
  let phase = ls.phase;
  if (phase === 'observe' && exceeds2F(observations.filter((o) => o).length, f)) {
    phase = 'grace';
    scope.emit({
      type: 'SetTimer',
      timer: { kind: 'grace', epoch: rg.epoch, round: ls.round },
      afterMs: deltaGraceMs,
    });
  }
  return { ...state, reportGeneration: { ...rg, leaderState: { ...ls, observations, phase } } };
}

export function onGraceTimer(
  state: OcrState,
  timer: Extract<Timer, { kind: 'grace' }>,
  scope: Scope,
): OcrState {
  const rg = state.reportGeneration;
  const ls = rg.leaderState;
  if (!ls || timer.epoch !== rg.epoch || timer.round !== ls.round || ls.phase !== 'grace') return state;
  const observations = sortObservations(ls.observations.filter((o) => o !== undefined));
  scope.emit({
    type: 'Broadcast',
    message: { type: 'ReportReq', epoch: rg.epoch, round: ls.round, observations },
  });
  scope.log('debug', 'Sent ReportReq', {
    epoch: rg.epoch,
    round: ls.round,
    observations: observations.length,
  });
  return { ...state, reportGeneration: { ...rg, leaderState: { ...ls, phase: 'report' } } };
}

export function onReport(state: OcrState, from: number, msg: ReportMessage, scope: Scope): OcrState {
  const { n, f } = state.config;
  const rg = state.reportGeneration;
  const ls = rg.leaderState;
  const fields = { epoch: msg.epoch, round: msg.round, sender: from };
  if (!ls) {
    scope.log('warn', 'Dropping Report: this node does not lead the epoch', fields);
    return state;
  }
  if (msg.round !== ls.round || ls.phase !== 'report') {
    scope.log('debug', 'Dropping Report for another round or phase', {
      ...fields,
      leaderRound: ls.round,
      phase: ls.phase,
    });
    return state;
  }
  if (ls.reports[from]) {
    scope.log('warn', 'Dropping repeated Report', fields);
    return state;
  }
  const problem = reportObservationsProblem(msg.observations, n, f);
  if (
    problem ||
    !scope.ctx.verifyReportSignature(from, rg.epoch, ls.round, msg.observations, msg.signature)
  ) {
    scope.log('warn', 'Dropping invalid Report', { ...fields, problem: problem ?? 'bad signature' });
    return state;
  }
  const reports = ls.reports.map((r, j) =>
    j === from ? { observations: msg.observations, signature: msg.signature } : r,
  );
  const signatures = reports.flatMap((r, signer) =>
    r && sameObservations(r.observations, msg.observations) ? [{ signer, signature: r.signature }] : [],
  );
  if (!exceedsF(signatures.length, f))
    return { ...state, reportGeneration: { ...rg, leaderState: { ...ls, reports } } };
  const report = { observations: msg.observations, signatures };
  scope.emit({ type: 'Broadcast', message: { type: 'Final', epoch: rg.epoch, round: ls.round, report } });
  scope.log('debug', 'Sent Final', { epoch: rg.epoch, round: ls.round });
  return { ...state, reportGeneration: { ...rg, leaderState: { ...ls, reports, phase: 'final' } } };
}
