import { AbiCoder, getBytes, keccak256, type BytesLike } from 'ethers';
import { err, ok, type Result } from '@oracle/core';
import { checkInt192 } from './int192.js';
import { decodeReportContext, encodeReportContext, type ReportContext } from './report-context.js';

/** One oracle's value in a report. */
export interface AttributedObservation {
  /** The observer's OracleID (0..n-1). */
  readonly observer: number;
  /** int192 value, already scaled to the feed's decimals. */
  readonly value: bigint;
}

export interface DecodedReport {
  readonly context: ReportContext;
  readonly observations: readonly AttributedObservation[];
}

const REPORT_TYPES = ['bytes32', 'bytes32', 'int192[]'];
const coder = AbiCoder.defaultAbiCoder();

/**
 * The on-chain report (ocr1.md §10): abi.encode(rawReportContext, rawObservers, int192[] observations).
 * Observations are encoded in the order given; the leader sorts them ascending and the contract
 * rejects anything else, so order, duplicates and observer ranges are the protocol's business.
 */
export function encodeReport(context: ReportContext, observations: readonly AttributedObservation[]): string {
  if (observations.length > 32) throw new Error('a report holds at most 32 observations');
  const observers = new Uint8Array(32);
  observations.forEach(({ observer, value }, i) => {
    if (!Number.isInteger(observer) || observer < 0 || observer > 255)
      throw new Error(`observer ${observer} is not a byte`);
    checkInt192(value);
    observers[i] = observer;
  });
  return coder.encode(REPORT_TYPES, [
    encodeReportContext(context),
    observers,
    observations.map((o) => o.value),
  ]);
}

/** Decodes report bytes; malformed input is an error value. */
export function decodeReport(report: BytesLike): Result<DecodedReport, string> {
  try {
    const [rawContext, rawObservers, values] = coder.decode(REPORT_TYPES, report);
    const observerBytes = getBytes(rawObservers);
    const observations = Array.from(values as ArrayLike<bigint>, (value, i) => ({
      observer: observerBytes[i] ?? 0,
      value: BigInt(value),
    }));
    if (observations.length > 32) return err('report has more than 32 observations');
    return ok({ context: decodeReportContext(rawContext), observations });
  } catch (e) {
    return err(`could not decode report: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** What the oracles sign: keccak256 of the report bytes, with no Ethereum message prefix. */
export function reportHash(report: BytesLike): string {
  return keccak256(report);
}

/** The answer the contract stores: observations[k/2] (the upper median of a sorted list). */
export function reportMedian(observations: readonly AttributedObservation[]): bigint {
  const middle = observations[Math.floor(observations.length / 2)];
  if (middle === undefined) throw new Error('no observations');
  return middle.value;
}
