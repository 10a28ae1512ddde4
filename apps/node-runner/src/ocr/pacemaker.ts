import { requestChainRead } from './chain-reads.js';
import { MAX_EPOCH } from './epoch-round.js';
import { kthHighestAbove } from './quorum.js';
import type { Scope } from './scope.js';
import type { OcrState, PacemakerState } from './state.js';

/**
 * The pacemaker (ocr1.md §8, libocr `pacemaker.go`): agrees on epochs, and so on leaders, through
 * NEWEPOCH votes. f+1 votes above ours pull our vote up (someone honest wants it); 2f+1 votes above
 * the current epoch move us there (f+1 honest oracles want it).
 */

/** Starts from the restored state if it is sane, reads the contract's epoch, and votes. */
export function startPacemaker(
  state: OcrState,
  restored: PacemakerState | undefined,
  scope: Scope,
): OcrState {
  const { n, deltaProgressMs } = state.config;
  let pacemaker: PacemakerState = {
    epoch: 1,
    highestSentEpoch: 1,
    highestReceivedEpoch: Array<number>(n).fill(0),
  };
  if (restored) {
    const problem = restoredProblem(restored, n);
    if (problem) scope.log('warn', 'Ignoring restored pacemaker state', { problem });
    else pacemaker = restored;
  }
  scope.log('info', 'Pacemaker started', {
    epoch: pacemaker.epoch,
    highestSentEpoch: pacemaker.highestSentEpoch,
  });
  let next: OcrState = { ...state, pacemaker };
  next = requestChainRead(next, { kind: 'restoreEpoch' }, scope);
  scope.signal({ kind: 'epochChanged' });
  scope.emit({ type: 'SetTimer', timer: { kind: 'progress' }, afterMs: deltaProgressMs });
  return sendNewEpoch(next, pacemaker.highestSentEpoch, scope);
}

function restoredProblem(restored: PacemakerState, n: number): string | undefined {
  const isEpoch = (e: number): boolean => Number.isInteger(e) && e >= 0 && e <= MAX_EPOCH;
  if (!isEpoch(restored.epoch) || restored.epoch < 1) return 'epoch out of range';
  if (!isEpoch(restored.highestSentEpoch) || restored.highestSentEpoch < restored.epoch)
    return 'highestSentEpoch below epoch';
  if (restored.highestReceivedEpoch.length !== n || !restored.highestReceivedEpoch.every(isEpoch))
    return 'highestReceivedEpoch malformed';
  return undefined;
}

/** Like libocr's restoreNeFromTransmitter: never vote for an epoch the contract has already seen. */
export function onContractEpoch(state: OcrState, contractEpoch: number, scope: Scope): OcrState {
  if (contractEpoch >= MAX_EPOCH || contractEpoch + 1 <= state.pacemaker.highestSentEpoch) return state;
  scope.log('info', 'Voting past the epoch of the latest transmission', { contractEpoch });
  return sendNewEpoch(state, contractEpoch + 1, scope);
}

export function onResendTimer(state: OcrState, scope: Scope): OcrState {
  return sendNewEpoch(state, state.pacemaker.highestSentEpoch, scope);
}

/** tProgress expired (no round completed in deltaProgress), or the leader ran past rMax. */
export function onChangeLeader(state: OcrState, scope: Scope): OcrState {
  scope.emit({ type: 'CancelTimer', timer: { kind: 'progress' } });
  const { epoch, highestSentEpoch } = state.pacemaker;
  if (epoch >= MAX_EPOCH) {
    scope.log('error', 'Epoch would overflow; cannot change leader', { epoch });
    return state;
  }
  scope.log('info', 'Voting to change leader', { epoch });
  return sendNewEpoch(state, Math.max(highestSentEpoch, epoch + 1), scope);
}

/** A round completed locally. */
export function onProgress(state: OcrState, scope: Scope): OcrState {
  scope.emit({ type: 'SetTimer', timer: { kind: 'progress' }, afterMs: state.config.deltaProgressMs });
  return state;
}

export function onNewEpoch(state: OcrState, from: number, epoch: number, scope: Scope): OcrState {
  const { f, deltaProgressMs } = state.config;
  const received = state.pacemaker.highestReceivedEpoch;
  if (epoch <= (received[from] ?? 0)) return state;
  let next: OcrState = {
    ...state,
    pacemaker: { ...state.pacemaker, highestReceivedEpoch: received.map((e, j) => (j === from ? epoch : e)) },
  };

  const toSend = kthHighestAbove(next.pacemaker.highestReceivedEpoch, next.pacemaker.highestSentEpoch, f + 1);
  if (toSend !== undefined) next = sendNewEpoch(next, toSend, scope);

  const toEnter = kthHighestAbove(next.pacemaker.highestReceivedEpoch, next.pacemaker.epoch, 2 * f + 1);
  if (toEnter !== undefined) {
    scope.log('info', 'Moving to a new epoch', { from: next.pacemaker.epoch, to: toEnter });
    next = {
      ...next,
      pacemaker: {
        ...next.pacemaker,
        epoch: toEnter,
        highestSentEpoch: Math.max(next.pacemaker.highestSentEpoch, toEnter),
      },
    };
    scope.signal({ kind: 'epochChanged' });
    scope.emit({ type: 'SetTimer', timer: { kind: 'progress' }, afterMs: deltaProgressMs });
  }
  return next;
}

function sendNewEpoch(state: OcrState, epoch: number, scope: Scope): OcrState {
  scope.emit({ type: 'Broadcast', message: { type: 'NewEpoch', epoch } });
  scope.emit({ type: 'SetTimer', timer: { kind: 'resend' }, afterMs: state.config.deltaResendMs });
  if (epoch === state.pacemaker.highestSentEpoch) return state;
  return { ...state, pacemaker: { ...state.pacemaker, highestSentEpoch: epoch } };
}
