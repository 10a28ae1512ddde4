import type {
  EpochRound,
  PacemakerState,
  PendingTransmission,
  PersistRecord,
  RestoredState,
} from '../../src/ocr/index.js';
import { isBefore } from '../../src/ocr/index.js';

/**
 * One node's durable store for one config digest: what survives a simulated crash. Like the
 * Postgres store, it only ever advances the highest signed round.
 */
export class SimStore {
  private pacemaker: PacemakerState | undefined;
  private highestSigned: EpochRound | undefined;
  private readonly pending = new Map<string, PendingTransmission>();
  /** Writes the core asked for that the store refused: a bug in the core. */
  readonly refused: string[] = [];

  /** `forgetSignedRounds` models libocr, which does not persist signed rounds. */
  constructor(private readonly forgetSignedRounds = false) {}

  apply(record: PersistRecord): void {
    switch (record.kind) {
      case 'pacemaker':
        this.pacemaker = record.state;
        return;
      case 'highestSigned':
        if (this.highestSigned && !isBefore(this.highestSigned, record.epochRound)) {
          this.refused.push(`highest signed round did not advance: ${JSON.stringify(record.epochRound)}`);
        }
        this.highestSigned = record.epochRound;
        return;
      case 'pendingTransmissionStored':
        this.pending.set(`${record.transmission.epoch}:${record.transmission.round}`, record.transmission);
        return;
      case 'pendingTransmissionDeleted':
        this.pending.delete(`${record.epoch}:${record.round}`);
        return;
    }
  }

  restore(): RestoredState {
    return {
      ...(this.pacemaker ? { pacemaker: this.pacemaker } : {}),
      ...(this.highestSigned && !this.forgetSignedRounds ? { highestSigned: this.highestSigned } : {}),
      pendingTransmissions: [...this.pending.values()],
    };
  }
}
