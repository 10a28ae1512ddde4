import type { Result } from '@oracle/core';
import type { EpochRound, PacemakerState } from '../ocr/index.js';

export type { EpochRound, PacemakerState };

/**
 * What a node keeps across restarts (ocr1.md §14), one database per node. Byte strings are
 * 0x-prefixed hex, as everywhere in the node; on-chain integers are bigint; times are Unix ms. Every call returns an
 * error value instead of throwing when Postgres fails, after the adapter's own retries.
 */
export interface Store {
  loadPacemakerState(configDigest: string): Promise<StoreResult<PacemakerState | undefined>>;
  savePacemakerState(configDigest: string, state: PacemakerState): Promise<StoreResult<void>>;

  /**
   * Records that this node is about to sign a report for (epoch, round). `true` only when that is
   * strictly above every (epoch, round) recorded for the digest before, atomically, even under
   * concurrent calls and across restarts. The core must not sign unless this returns ok(true).
   */
  advanceHighestSigned(configDigest: string, position: EpochRound): Promise<StoreResult<boolean>>;
  highestSigned(configDigest: string): Promise<StoreResult<EpochRound | undefined>>;

  /** Inserts or replaces the pending transmission with the same (digest, epoch, round). */
  savePendingTransmission(transmission: SerializedPendingTransmission): Promise<StoreResult<void>>;
  pendingTransmissions(configDigest: string): Promise<StoreResult<SerializedPendingTransmission[]>>;
  deletePendingTransmission(configDigest: string, position: EpochRound): Promise<StoreResult<void>>;
  /** Garbage collection: deletes pending transmissions due before `timeMs`; returns how many. */
  deletePendingTransmissionsBefore(timeMs: number): Promise<StoreResult<number>>;

  /** The latest contract config this node accepted for an aggregator contract (address in any case). */
  saveContractConfig(contractAddress: string, config: ContractConfig): Promise<StoreResult<void>>;
  loadContractConfig(contractAddress: string): Promise<StoreResult<ContractConfig | undefined>>;

  /** Inserts or updates (by hash) a transaction the transmitter sent. */
  saveTransaction(transaction: TransmitterTransaction): Promise<StoreResult<void>>;
  /** False if no transaction has that hash. */
  setTransactionStatus(hash: string, status: TransactionStatus): Promise<StoreResult<boolean>>;
  /** Transactions in one status, oldest nonce first, optionally of one sender. */
  transactionsByStatus(
    status: TransactionStatus,
    from?: string,
  ): Promise<StoreResult<TransmitterTransaction[]>>;

  close(): Promise<void>;
}

export interface StoreError {
  /** `unavailable`: Postgres could not be reached within the retry budget; `failed`: the statement failed. */
  readonly kind: 'unavailable' | 'failed';
  /** Safe to log: never contains the connection string or row values. */
  readonly message: string;
}

export type StoreResult<T> = Result<T, StoreError>;

/**
 * A report waiting for this node's transmission stage, in the form `transmit()` takes (libocr's
 * PendingTransmission). The core's PendingTransmission holds an AttestedReport instead: the
 * runtime converts with @oracle/evm (encodeReport/transmitArgs one way, decodeReport the other).
 */
export interface SerializedPendingTransmission extends EpochRound {
  readonly configDigest: string;
  /** When this node's stage starts and it should transmit (Unix ms). */
  readonly transmitAtMs: number;
  readonly median: bigint;
  /** The ABI-encoded report. */
  readonly serializedReport: string;
  readonly rs: readonly string[];
  readonly ss: readonly string[];
  /** The signatures' recovery ids packed into one bytes32. */
  readonly vs: string;
}

/** An OCR1 contract configuration as read from the `ConfigSet` event (ocr1.md §2.3). */
export interface ContractConfig {
  readonly configDigest: string;
  readonly configCount: bigint;
  readonly signers: readonly string[];
  readonly transmitters: readonly string[];
  readonly threshold: number;
  readonly encodedConfigVersion: bigint;
  readonly encoded: string;
  /** The block that emitted the `ConfigSet` event. */
  readonly blockNumber: bigint;
}

export type TransactionStatus = 'pending' | 'confirmed' | 'failed' | 'replaced';

export interface TransmitterTransaction {
  readonly hash: string;
  /** The transmitter account that sent it. */
  readonly from: string;
  readonly nonce: bigint;
  /** The feed's aggregator contract address. */
  readonly feed: string;
  readonly configDigest: string;
  readonly epoch: number;
  readonly round: number;
  readonly status: TransactionStatus;
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
  /** Unix ms. */
  readonly sentAtMs: number;
}
