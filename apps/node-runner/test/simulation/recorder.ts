import type { AttributedObservation, LogLevel } from '../../src/ocr/index.js';
import type { TransmitOutcome } from './fake-chain.js';

const key = (epoch: number, round: number): string => `${epoch}:${round}`;
const reportKey = (observations: readonly AttributedObservation[]): string =>
  observations.map((o) => `${o.observer}=${o.value}`).join(',');

export interface TransmitAttempt {
  readonly node: number;
  readonly honest: boolean;
  readonly epoch: number;
  readonly round: number;
  readonly median: bigint;
  readonly outcome: TransmitOutcome;
}

/** What the simulation saw, for the invariant checks. */
export class Recorder {
  /** Values honest nodes' data sources gave for each (epoch, round). */
  readonly honestObservations = new Map<string, bigint[]>();
  /** Every report an honest node signed, per node and (epoch, round). */
  readonly honestSignatures = new Map<string, string[]>();
  readonly transmits: TransmitAttempt[] = [];
  readonly honestErrors: string[] = [];
  readonly logCounts: Record<LogLevel, number> = { debug: 0, info: 0, warn: 0, error: 0 };
  malformedReceived = 0;
  steps = 0;

  honestObservation(epoch: number, round: number, value: bigint): void {
    const values = this.honestObservations.get(key(epoch, round)) ?? [];
    values.push(value);
    this.honestObservations.set(key(epoch, round), values);
  }

  honestRange(epoch: number, round: number): { min: bigint; max: bigint } | undefined {
    const values = this.honestObservations.get(key(epoch, round));
    if (!values || values.length === 0) return undefined;
    return { min: values.reduce((a, b) => (b < a ? b : a)), max: values.reduce((a, b) => (b > a ? b : a)) };
  }

  honestSigned(
    node: number,
    epoch: number,
    round: number,
    observations: readonly AttributedObservation[],
  ): void {
    const k = `${node}@${key(epoch, round)}`;
    this.honestSignatures.set(k, [...(this.honestSignatures.get(k) ?? []), reportKey(observations)]);
  }

  log(level: LogLevel, msg: string, honest: boolean, node: number): void {
    this.logCounts[level]++;
    if (honest && level === 'error') this.honestErrors.push(`node ${node}: ${msg}`);
  }
}
