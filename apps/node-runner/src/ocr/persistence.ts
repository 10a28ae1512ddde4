import { sameEpochRound, type EpochRound } from './epoch-round.js';
import type { Effect } from './effects.js';
import type { OcrState, PacemakerState, PendingTransmission, RestoredState } from './state.js';

/** The part of the state that outlives a restart. */
export interface PersistentView {
  readonly pacemaker: PacemakerState | undefined;
  readonly highestSigned: EpochRound | undefined;
  readonly pending: readonly PendingTransmission[];
}

export function persistentView(state: OcrState): PersistentView {
  return {
    pacemaker: state.pacemaker,
    highestSigned: state.highestSigned,
    pending: state.transmission.pending,
  };
}

export function restoredView(restored: RestoredState): PersistentView {
  return {
    pacemaker: restored.pacemaker,
    highestSigned: restored.highestSigned,
    pending: restored.pendingTransmissions,
  };
}

/**
 * The Persist effects that carry a step's changes to the store. step() puts them before every
 * other effect of the step, so nothing is sent that the store does not know about yet.
 */
export function persistEffects(before: PersistentView, after: PersistentView): Effect[] {
  const effects: Effect[] = [];
  if (after.pacemaker && !samePacemaker(before.pacemaker, after.pacemaker)) {
    effects.push({ type: 'Persist', record: { kind: 'pacemaker', state: after.pacemaker } });
  }
  if (
    after.highestSigned &&
    !(before.highestSigned && sameEpochRound(before.highestSigned, after.highestSigned))
  ) {
    effects.push({ type: 'Persist', record: { kind: 'highestSigned', epochRound: after.highestSigned } });
  }
  for (const p of before.pending) {
    if (!after.pending.some((q) => sameEpochRound(p, q))) {
      effects.push({
        type: 'Persist',
        record: { kind: 'pendingTransmissionDeleted', epoch: p.epoch, round: p.round },
      });
    }
  }
  for (const p of after.pending) {
    if (!before.pending.some((q) => sameEpochRound(p, q))) {
      effects.push({ type: 'Persist', record: { kind: 'pendingTransmissionStored', transmission: p } });
    }
  }
  return effects;
}

function samePacemaker(a: PacemakerState | undefined, b: PacemakerState): boolean {
  return (
    a !== undefined &&
    a.epoch === b.epoch &&
    a.highestSentEpoch === b.highestSentEpoch &&
    a.highestReceivedEpoch.length === b.highestReceivedEpoch.length &&
    a.highestReceivedEpoch.every((e, j) => e === b.highestReceivedEpoch[j])
  );
}
