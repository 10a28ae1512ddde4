import { bufferMessage, takeMessagesForEpoch } from './message-buffer.js';
import type { RoundMessage } from './messages.js';
import { onFinal, onFinalEcho, onObserveReq, onReportReq } from './report-generation-follower.js';
import { onObserve, onReport, startRound } from './report-generation-leader.js';
import type { Scope } from './scope.js';
import { freshFollower, type OcrState } from './state.js';

/**
 * One report-generation instance per epoch (libocr `report_generation.go`): started by the
 * pacemaker, fed the round messages of its epoch. Messages for later epochs wait in a small
 * per-sender buffer until this node gets there; messages for earlier epochs are dropped.
 */

/** Replaces the instance with one for the pacemaker's current epoch and replays its buffered messages. */
export function startReportGeneration(state: OcrState, scope: Scope): OcrState {
  const { n, oracleId } = state.config;
  const old = state.reportGeneration;
  if (old.leaderState) {
    scope.emit({ type: 'CancelTimer', timer: { kind: 'round', epoch: old.epoch } });
    scope.emit({
      type: 'CancelTimer',
      timer: { kind: 'grace', epoch: old.epoch, round: old.leaderState.round },
    });
  }
  const epoch = state.pacemaker.epoch;
  const leader = scope.ctx.leader(epoch);
  if (!Number.isInteger(leader) || leader < 0 || leader >= n)
    throw new Error(`ctx.leader(${epoch}) returned ${leader}, not an oracle`);
  scope.log('info', 'Starting report generation', { epoch, leader, isLeader: leader === oracleId });
  let next: OcrState = {
    ...state,
    reportGeneration: { epoch, leader, leaderState: undefined, follower: freshFollower(n) },
  };
  if (leader === oracleId) next = startRound(next, scope);
  const { ready, buffers } = takeMessagesForEpoch(next.futureMessages, epoch);
  next = { ...next, futureMessages: buffers };
  for (const { from, message } of ready) next = routeRoundMessage(next, from, message, scope);
  return next;
}

export function onRoundMessage(state: OcrState, from: number, message: RoundMessage, scope: Scope): OcrState {
  const epoch = state.reportGeneration.epoch;
  if (message.epoch > epoch)
    return { ...state, futureMessages: bufferMessage(state.futureMessages, from, message) };
  if (message.epoch < epoch) {
    scope.log('debug', 'Dropping a message from an earlier epoch', {
      type: message.type,
      epoch: message.epoch,
      sender: from,
    });
    return state;
  }
  return routeRoundMessage(state, from, message, scope);
}

function routeRoundMessage(state: OcrState, from: number, message: RoundMessage, scope: Scope): OcrState {
  switch (message.type) {
    case 'ObserveReq':
      return onObserveReq(state, from, message, scope);
    case 'Observe':
      return onObserve(state, from, message, scope);
    case 'ReportReq':
      return onReportReq(state, from, message, scope);
    case 'Report':
      return onReport(state, from, message, scope);
    case 'Final':
      return onFinal(state, from, message, scope);
    case 'FinalEcho':
      return onFinalEcho(state, from, message, scope);
  }
}
