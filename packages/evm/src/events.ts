import { getBytes, hexlify } from 'ethers';
import { err, ok, type Result } from '@oracle/core';
import { ocr1AggregatorInterface } from './abi.js';
import type { ContractConfig } from './public-config.js';
import { decodeReportContext, type ReportContext } from './report-context.js';

/** topic0 of the aggregator's events: keccak256 of the canonical signatures (ocr1.md §13). */
export const CONFIG_SET_TOPIC = '0x25d719d88a4512dd76c7442b910a83360845505894eb444ef299409e180f8fb9';
export const NEW_TRANSMISSION_TOPIC = '0xf6a97944f31ea060dfde0566e4167c1a1082551e64b60ecb14d599a9d023d451';
export const NEW_ROUND_TOPIC = '0x0109fc6f55cf40689f02fbaad7af7fe7bbac8a3d2186600afc7d3e10cac60271';
export const ANSWER_UPDATED_TOPIC = '0x0559884fd3a460db3073b7fc896cc77986f16e378210ded43186175bf646fc5f';
export const ROUND_REQUESTED_TOPIC = '0x3ea16a923ff4b1df6526e854c9e3a995c43385d70e73359e10623c74f0b52037';

export interface LogLike {
  readonly topics: readonly string[];
  readonly data: string;
}

export interface ConfigSetEvent extends ContractConfig {
  readonly previousConfigBlockNumber: number;
  readonly configCount: bigint;
}

export interface NewTransmissionEvent {
  readonly aggregatorRoundId: number;
  readonly answer: bigint;
  readonly transmitter: string;
  readonly observations: readonly bigint[];
  /** OracleID of each observation, in order. */
  readonly observers: readonly number[];
  readonly context: ReportContext;
}

export interface RoundRequestedEvent {
  readonly requester: string;
  readonly configDigest: string;
  readonly epoch: number;
  readonly round: number;
}

function parse(log: LogLike, topic: string, name: string): Result<readonly unknown[], string> {
  if (log.topics[0]?.toLowerCase() !== topic) return err(`log is not a ${name} event`);
  try {
    const parsed = ocr1AggregatorInterface.parseLog({ topics: [...log.topics], data: log.data });
    if (!parsed) return err(`log is not a ${name} event`);
    return ok(parsed.args);
  } catch (e) {
    return err(`malformed ${name} log: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function decodeConfigSetLog(log: LogLike): Result<ConfigSetEvent, string> {
  const parsed = parse(log, CONFIG_SET_TOPIC, 'ConfigSet');
  if (!parsed.ok) return parsed;
  const [
    previousConfigBlockNumber,
    configCount,
    signers,
    transmitters,
    threshold,
    encodedConfigVersion,
    encoded,
  ] = parsed.value;
  return ok({
    previousConfigBlockNumber: Number(previousConfigBlockNumber),
    configCount: BigInt(configCount as bigint),
    signers: [...(signers as string[])],
    transmitters: [...(transmitters as string[])],
    threshold: Number(threshold),
    encodedConfigVersion: BigInt(encodedConfigVersion as bigint),
    encoded: hexlify(encoded as string),
  });
}

export function decodeNewTransmissionLog(log: LogLike): Result<NewTransmissionEvent, string> {
  const parsed = parse(log, NEW_TRANSMISSION_TOPIC, 'NewTransmission');
  if (!parsed.ok) return parsed;
  const [aggregatorRoundId, answer, transmitter, observations, observers, rawReportContext] = parsed.value;
  return ok({
    aggregatorRoundId: Number(aggregatorRoundId),
    answer: BigInt(answer as bigint),
    transmitter: String(transmitter),
    observations: Array.from(observations as bigint[], BigInt),
    observers: Array.from(getBytes(observers as string)),
    context: decodeReportContext(rawReportContext as string),
  });
}

export function decodeRoundRequestedLog(log: LogLike): Result<RoundRequestedEvent, string> {
  const parsed = parse(log, ROUND_REQUESTED_TOPIC, 'RoundRequested');
  if (!parsed.ok) return parsed;
  const [requester, configDigest, epoch, round] = parsed.value;
  return ok({
    requester: String(requester),
    configDigest: hexlify(configDigest as string),
    epoch: Number(epoch),
    round: Number(round),
  });
}
