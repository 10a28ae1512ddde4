import type { ConfigSetEvent } from '@oracle/evm';
import type { LatestTransmission, RoundRequest } from '../ocr/index.js';

export type { ConfigSetEvent, LatestTransmission, RoundRequest };

/** latestConfigDetails() of an OCR1 aggregator. */
export interface LatestConfigDetails {
  readonly configCount: bigint;
  /** The block of the latest setConfig (0 before the first). */
  readonly blockNumber: number;
  /** 0x + 32 lower-case hex digits; all zeros before the first setConfig. */
  readonly configDigest: string;
}

/** Reads of the chain the node needs. Each call rejects on RPC failure (the caller decides on retries and timeouts). */
export interface ChainReader {
  blockNumber(): Promise<number>;
  latestConfigDetails(contract: string): Promise<LatestConfigDetails>;
  /** The ConfigSet events the contract emitted in one block, in log order. */
  configSetEvents(contract: string, blockNumber: number): Promise<ConfigSetEvent[]>;
  /** latestTransmissionDetails(), called from `from` (the contract answers EOAs only). */
  latestTransmissionDetails(contract: string, from: string): Promise<LatestTransmission>;
  /**
   * The contract's latest RoundRequested event (requestNewRound), undefined when there is none.
   * Optional: a reader without it never reports for a request.
   */
  latestRoundRequested?(contract: string): Promise<RoundRequest | undefined>;
  balance(address: string): Promise<bigint>;
}

/** A report ready for `transmit(report, rs, ss, rawVs)` on one feed's contract. */
export interface TransmitRequest {
  readonly contract: string;
  readonly configDigest: string;
  readonly epoch: number;
  readonly round: number;
  /** 0x-hex ABI-encoded report. */
  readonly report: string;
  readonly rs: readonly string[];
  readonly ss: readonly string[];
  readonly rawVs: string;
}

export type TransmitOutcome =
  /** Mined and succeeded. */
  | { readonly status: 'confirmed'; readonly txHash: string; readonly gasUsed: bigint }
  /** Mined and reverted (e.g. a lost race: "stale report"). */
  | { readonly status: 'reverted'; readonly txHash: string; readonly gasUsed: bigint }
  /** Not sent: the contract already has this or a later round, or another config. */
  | { readonly status: 'skipped'; readonly reason: string }
  /** Not sent, or not mined in time. */
  | { readonly status: 'failed'; readonly error: string };

/** Sends transmit transactions for every feed of a node, from its one transmitter account. */
export interface ContractTransmitter {
  readonly address: string;
  transmit(request: TransmitRequest): Promise<TransmitOutcome>;
}
