import type { ProtocolConfig } from './config.js';
import type { EpochRound } from './epoch-round.js';
import type { GuardTrip } from './guard.js';
import type { RoundMessage } from './messages.js';
import type { AttestedReport, AttributedObservation, AttributedSignedObservation } from './observation.js';

/** The pacemaker's view of epochs (libocr `PersistentState`); persisted on every change. */
export interface PacemakerState {
  /** Current epoch e; epochs start at 1. */
  readonly epoch: number;
  /** ne: the highest epoch this node has sent in NEWEPOCH. Never below epoch. */
  readonly highestSentEpoch: number;
  /** newepoch[j]: the highest epoch received in NEWEPOCH from oracle j. */
  readonly highestReceivedEpoch: readonly number[];
}

/** A report accepted for transmission, waiting for this node's stage; persisted until it is sent or dropped. */
export interface PendingTransmission {
  readonly epoch: number;
  readonly round: number;
  readonly transmitAtMs: number;
  readonly median: bigint;
  readonly report: AttestedReport;
}

/** What the runtime restores from its store for this config digest when the instance starts. */
export interface RestoredState {
  readonly pacemaker?: PacemakerState;
  /** The highest (epoch, round) this node signed a report for; it never signs at or below it again. */
  readonly highestSigned?: EpochRound;
  readonly pendingTransmissions: readonly PendingTransmission[];
}

export type LeaderPhase = 'observe' | 'grace' | 'report' | 'final';

/** The leader's side of the current round (libocr `leaderState`). */
export interface LeaderState {
  readonly round: number;
  readonly phase: LeaderPhase;
  /** Valid signed observations by observer, for the current round. */
  readonly observations: readonly (AttributedSignedObservation | undefined)[];
  /** Valid signed reports by signer, for the current round. */
  readonly reports: readonly (
    { readonly observations: readonly AttributedObservation[]; readonly signature: Uint8Array } | undefined
  )[];
}

/** Where a follower is with the leader's ReportReq of the current round. */
export type FollowerReportStatus = 'awaitingRequest' | 'checkingChain' | 'signed';

/** The follower's side of the current round (libocr `followerState`). */
export interface FollowerState {
  /** Highest round the leader has started (0 before the first ObserveReq). */
  readonly round: number;
  readonly awaitingObservation: boolean;
  readonly reportStatus: FollowerReportStatus;
  /** The round is over for this node: it decided not to report, or handed the report to transmission. */
  readonly completed: boolean;
  /** The final report this node echoed, if any. */
  readonly sentEcho: AttestedReport | undefined;
  /** receivedEcho[j]: a valid FinalEcho from j arrived. */
  readonly receivedEcho: readonly boolean[];
}

/** One report-generation instance: one epoch under one leader. */
export interface ReportGenerationState {
  readonly epoch: number;
  readonly leader: number;
  /** Present when this node leads the epoch. */
  readonly leaderState: LeaderState | undefined;
  readonly follower: FollowerState;
}

export interface TransmissionState {
  /** The newest report this node accepted for transmission since it started. */
  readonly latestAccepted: (EpochRound & { readonly median: bigint }) | undefined;
  readonly pending: readonly PendingTransmission[];
}

/** Why the core asked the runtime to read the contract; the answer is matched by request id. */
export type ChainReadPurpose =
  | { readonly kind: 'restoreEpoch' }
  | {
      readonly kind: 'shouldReport';
      readonly epoch: number;
      readonly round: number;
      readonly observations: readonly AttributedObservation[];
    }
  | {
      readonly kind: 'acceptReport';
      readonly epoch: number;
      readonly round: number;
      readonly report: AttestedReport;
    }
  | { readonly kind: 'recheckTransmission'; readonly transmission: PendingTransmission };

export interface ChainRead {
  readonly requestId: number;
  readonly purpose: ChainReadPurpose;
}

/** Everything one protocol instance (one feed, one config digest) knows. Never mutated: step returns a new one. */
export interface OcrState {
  readonly config: ProtocolConfig;
  readonly started: boolean;
  readonly pacemaker: PacemakerState;
  readonly reportGeneration: ReportGenerationState;
  readonly transmission: TransmissionState;
  /** Persisted signing guard (our addition to libocr). */
  readonly highestSigned: EpochRound | undefined;
  /** Report-generation messages for future epochs, per sender, oldest first. */
  readonly futureMessages: readonly (readonly RoundMessage[])[];
  readonly chainReads: readonly ChainRead[];
  readonly nextRequestId: number;
  /** Why the feed guard holds the feed on this node, while it does (not persisted). */
  readonly guardTrip: GuardTrip | undefined;
}

export function freshFollower(n: number, round = 0): FollowerState {
  return {
    round,
    awaitingObservation: false,
    reportStatus: 'awaitingRequest',
    completed: false,
    sentEcho: undefined,
    receivedEcho: Array<boolean>(n).fill(false),
  };
}

/** The state before the Started event: nothing runs until then. */
export function initialState(config: ProtocolConfig): OcrState {
  const { n } = config;
  return {
    config,
    started: false,
    pacemaker: { epoch: 1, highestSentEpoch: 1, highestReceivedEpoch: Array<number>(n).fill(0) },
    reportGeneration: { epoch: 0, leader: 0, leaderState: undefined, follower: freshFollower(n) },
    transmission: { latestAccepted: undefined, pending: [] },
    highestSigned: undefined,
    futureMessages: Array.from({ length: n }, () => []),
    chainReads: [],
    nextRequestId: 1,
    guardTrip: undefined,
  };
}
