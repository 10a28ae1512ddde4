import type { OcrContext } from './context.js';
import type { Effect, LogFields, LogLevel } from './effects.js';
import type { AttestedReport } from './observation.js';

/**
 * What one sub-protocol tells another within a step, like libocr's channels between its goroutines.
 * step() handles them after the event, in order.
 */
export type Signal =
  /** Report generation completed a round: restart the progress timer. */
  | { readonly kind: 'progress' }
  /** The leader asked for a round past rMax: vote for the next epoch. */
  | { readonly kind: 'changeLeader' }
  /** The pacemaker moved to a new epoch: start report generation for it. */
  | { readonly kind: 'epochChanged' }
  /** Report generation finalized a report: hand it to transmission. */
  | {
      readonly kind: 'reportFinalized';
      readonly epoch: number;
      readonly round: number;
      readonly report: AttestedReport;
    };

/** The per-step context every sub-reducer receives: ctx, the event's time, and the outputs collected so far. */
export class Scope {
  readonly effects: Effect[] = [];
  readonly signals: Signal[] = [];

  constructor(
    readonly ctx: OcrContext,
    readonly nowMs: number,
  ) {}

  emit(effect: Effect): void {
    this.effects.push(effect);
  }

  signal(signal: Signal): void {
    this.signals.push(signal);
  }

  log(level: LogLevel, msg: string, fields: LogFields = {}): void {
    this.effects.push({ type: 'Log', level, msg, fields });
  }
}
