import type { Timer } from './effects.js';
import type { Message } from './messages.js';
import type { RestoredState } from './state.js';

/** The contract's latestTransmissionDetails(). */
export interface LatestTransmission {
  readonly configDigest: string;
  readonly epoch: number;
  readonly round: number;
  readonly answer: bigint;
  /** Block time of the latest transmit, in ms. */
  readonly timestampMs: number;
}

/** The latest RoundRequested event: the (digest, epoch, round) of the transmission current when it was requested. */
export interface RoundRequest {
  readonly configDigest: string;
  readonly epoch: number;
  readonly round: number;
}

/** Everything that happens to an instance. Each event carries the runtime's clock reading. */
export type OcrEvent =
  | { readonly type: 'Started'; readonly nowMs: number; readonly restored: RestoredState }
  | {
      readonly type: 'MessageReceived';
      readonly nowMs: number;
      readonly from: number;
      readonly message: Message;
    }
  | { readonly type: 'TimerFired'; readonly nowMs: number; readonly timer: Timer }
  | {
      readonly type: 'ObservationReady';
      readonly nowMs: number;
      readonly epoch: number;
      readonly round: number;
      readonly value?: bigint;
    }
  | {
      readonly type: 'ChainStateRead';
      readonly nowMs: number;
      readonly requestId: number;
      readonly latestTransmission: LatestTransmission | 'timeout';
      /** Absent when there is none (or the runtime does not track requests). */
      readonly latestRoundRequested?: RoundRequest;
    }
  | {
      readonly type: 'TransmitResult';
      readonly nowMs: number;
      readonly epoch: number;
      readonly round: number;
      readonly ok: boolean;
      readonly error?: string;
    };
