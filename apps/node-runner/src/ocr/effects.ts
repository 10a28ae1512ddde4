import type { EpochRound } from './epoch-round.js';
import type { Message } from './messages.js';
import type { AttestedReport } from './observation.js';
import type { PacemakerState, PendingTransmission } from './state.js';

/** The core's timers. Setting a timer replaces the one with the same key. */
export type Timer =
  | { readonly kind: 'resend' }
  | { readonly kind: 'progress' }
  | { readonly kind: 'round'; readonly epoch: number }
  | { readonly kind: 'grace'; readonly epoch: number; readonly round: number }
  | { readonly kind: 'transmit'; readonly epoch: number; readonly round: number };

/** A timer's identity, e.g. "grace:3:2". */
export function timerKey(timer: Timer): string {
  switch (timer.kind) {
    case 'resend':
    case 'progress':
      return timer.kind;
    case 'round':
      return `round:${timer.epoch}`;
    case 'grace':
    case 'transmit':
      return `${timer.kind}:${timer.epoch}:${timer.round}`;
  }
}

/** What the runtime stores, keyed by the instance's config digest. */
export type PersistRecord =
  | { readonly kind: 'pacemaker'; readonly state: PacemakerState }
  | { readonly kind: 'highestSigned'; readonly epochRound: EpochRound }
  | { readonly kind: 'pendingTransmissionStored'; readonly transmission: PendingTransmission }
  | { readonly kind: 'pendingTransmissionDeleted'; readonly epoch: number; readonly round: number };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, string | number | boolean>>;

/**
 * What the core asks the runtime to do. The runtime applies a step's effects in order, and
 * completes each Persist before applying the next effect; if a Persist fails, it applies none of
 * the step's remaining effects. A step's Persist effects always come first.
 */
export type Effect =
  /** To one oracle; to itself included, delivered back as a MessageReceived. */
  | { readonly type: 'Send'; readonly to: number; readonly message: Message }
  /** To every oracle, this one included. */
  | { readonly type: 'Broadcast'; readonly message: Message }
  | { readonly type: 'SetTimer'; readonly timer: Timer; readonly afterMs: number }
  | { readonly type: 'CancelTimer'; readonly timer: Timer }
  /** Ask the data source; answer with ObservationReady (value absent on error or timeout). */
  | { readonly type: 'RequestObservation'; readonly epoch: number; readonly round: number }
  /** Read latestTransmissionDetails (and the latest RoundRequested); answer with ChainStateRead, or its timeout. */
  | { readonly type: 'ReadChain'; readonly requestId: number }
  /** Send the report on-chain now; answer with TransmitResult. */
  | {
      readonly type: 'Transmit';
      readonly epoch: number;
      readonly round: number;
      readonly median: bigint;
      readonly report: AttestedReport;
    }
  | { readonly type: 'Persist'; readonly record: PersistRecord }
  | { readonly type: 'Log'; readonly level: LogLevel; readonly msg: string; readonly fields: LogFields };
