import { takeChainRead } from './chain-reads.js';
import type { OcrContext } from './context.js';
import type { Effect, Timer } from './effects.js';
import { MAX_EPOCH, MAX_ROUND, type EpochRound } from './epoch-round.js';
import type { OcrEvent } from './events.js';
import {
  onChangeLeader,
  onContractEpoch,
  onNewEpoch,
  onProgress,
  onResendTimer,
  startPacemaker,
} from './pacemaker.js';
import { persistEffects, persistentView, restoredView } from './persistence.js';
import { onRoundMessage, startReportGeneration } from './report-generation.js';
import { onObservationReady, onShouldReportRead } from './report-generation-follower.js';
import { onGraceTimer, onRoundTimer } from './report-generation-leader.js';
import { Scope } from './scope.js';
import type { OcrState, RestoredState } from './state.js';
import {
  onAcceptReportRead,
  onRecheckRead,
  onReportFinalized,
  onTransmitResult,
  onTransmitTimer,
  restoreTransmissions,
} from './transmission.js';

export interface StepResult {
  readonly state: OcrState;
  /** To be applied in order; Persist effects come first. */
  readonly effects: readonly Effect[];
}

/**
 * The whole OCR1 protocol instance as a pure function: synchronous, deterministic, no I/O.
 * The input state is never modified.
 */
export function step(state: OcrState, event: OcrEvent, ctx: OcrContext): StepResult {
  const scope = new Scope(ctx, event.nowMs);
  const starting = event.type === 'Started' && !state.started;
  const before = starting ? restoredView(event.restored) : persistentView(state);
  let next = handleEvent(state, event, scope);
  next = handleSignals(next, scope);
  return { state: next, effects: [...persistEffects(before, persistentView(next)), ...scope.effects] };
}

function handleEvent(state: OcrState, event: OcrEvent, scope: Scope): OcrState {
  if (event.type === 'Started') {
    if (state.started) {
      scope.log('warn', 'Ignoring a second Started event');
      return state;
    }
    return start(state, event.restored, scope);
  }
  if (!state.started) {
    scope.log('warn', 'Ignoring an event before Started', { event: event.type });
    return state;
  }
  switch (event.type) {
    case 'MessageReceived': {
      const { from, message } = event;
      if (!Number.isInteger(from) || from < 0 || from >= state.config.n) {
        scope.log('warn', 'Dropping a message from an unknown oracle', { sender: from });
        return state;
      }
      return message.type === 'NewEpoch'
        ? onNewEpoch(state, from, message.epoch, scope)
        : onRoundMessage(state, from, message, scope);
    }
    case 'TimerFired':
      return onTimer(state, event.timer, scope);
    case 'ObservationReady':
      return onObservationReady(state, event, scope);
    case 'ChainStateRead':
      return onChainStateRead(state, event, scope);
    case 'TransmitResult':
      return onTransmitResult(state, event, scope);
  }
}

function onTimer(state: OcrState, timer: Timer, scope: Scope): OcrState {
  switch (timer.kind) {
    case 'resend':
      return onResendTimer(state, scope);
    case 'progress':
      return onChangeLeader(state, scope);
    case 'round':
      return onRoundTimer(state, timer, scope);
    case 'grace':
      return onGraceTimer(state, timer, scope);
    case 'transmit':
      return onTransmitTimer(state, timer, scope);
  }
}

function onChainStateRead(
  state: OcrState,
  event: Extract<OcrEvent, { type: 'ChainStateRead' }>,
  scope: Scope,
): OcrState {
  const taken = takeChainRead(state, event.requestId);
  if (!taken) {
    scope.log('warn', 'Ignoring an answer to an unknown chain read', { requestId: event.requestId });
    return state;
  }
  const { purpose } = taken.read;
  switch (purpose.kind) {
    case 'restoreEpoch': {
      const latest = event.latestTransmission;
      if (latest === 'timeout' || latest.configDigest !== state.config.configDigest) return taken.state;
      return onContractEpoch(taken.state, latest.epoch, scope);
    }
    case 'shouldReport':
      return onShouldReportRead(taken.state, purpose, event, scope);
    case 'acceptReport':
      return onAcceptReportRead(taken.state, purpose, event, scope);
    case 'recheckTransmission':
      return onRecheckRead(taken.state, purpose, event, scope);
  }
}

function start(state: OcrState, restored: RestoredState, scope: Scope): OcrState {
  let next: OcrState = { ...state, started: true, highestSigned: checkedGuard(restored.highestSigned) };
  next = startPacemaker(next, restored.pacemaker, scope);
  return restoreTransmissions(next, restored.pendingTransmissions, scope);
}

/** The signing guard is safety-critical: a corrupt one is a bug in the store, not something to guess around. */
function checkedGuard(value: EpochRound | undefined): EpochRound | undefined {
  if (value === undefined) return undefined;
  const { epoch, round } = value;
  if (
    Number.isInteger(epoch) &&
    Number.isInteger(round) &&
    epoch >= 0 &&
    epoch <= MAX_EPOCH &&
    round >= 0 &&
    round <= MAX_ROUND
  ) {
    return value;
  }
  throw new Error(`restored highest signed round is malformed: ${JSON.stringify(value)}`);
}

/** Signals one sub-protocol raised for another; handling one may raise more. */
function handleSignals(state: OcrState, scope: Scope): OcrState {
  let next = state;
  for (let i = 0; i < scope.signals.length; i++) {
    const signal = scope.signals[i];
    if (!signal) continue;
    switch (signal.kind) {
      case 'progress':
        next = onProgress(next, scope);
        break;
      case 'changeLeader':
        next = onChangeLeader(next, scope);
        break;
      case 'epochChanged':
        next = startReportGeneration(next, scope);
        break;
      case 'reportFinalized':
        next = onReportFinalized(next, signal.epoch, signal.round, signal.report, scope);
        break;
    }
  }
  return next;
}
