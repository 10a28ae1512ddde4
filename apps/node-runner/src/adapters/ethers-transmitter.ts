import { isError, Transaction, Wallet, type JsonRpcProvider, type TransactionReceipt } from 'ethers';
import { err, ok, retry, type BackoffPolicy, type Result } from '@oracle/core';
import { encodeTransmitCalldata } from '@oracle/evm';
import type { Logger } from '@oracle/logger';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import { isBefore } from '../ocr/index.js';
import type { ChainReader, ContractTransmitter, TransmitOutcome, TransmitRequest } from '../ports/chain.js';
import type { Clock } from '../ports/clock.js';
import type { Store, TransactionStatus } from '../ports/store.js';
import { bumpedFees, initialFees, type FeeCaps, type Fees } from './gas-fees.js';

export interface GasSettings extends FeeCaps {
  readonly gasLimit: number;
  readonly bumpPercent: number;
  readonly stuckAfterBlocks: number;
}

export interface EthersTransmitterOptions {
  readonly provider: JsonRpcProvider;
  readonly chain: ChainReader;
  /** The transmitter account's key, 0x-hex. */
  readonly privateKey: string;
  readonly chainId: number;
  readonly gas: GasSettings;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: NodeMetrics;
  /** The feed name of a contract, for the gas and fee metrics' `feed` label. */
  readonly feedOf: (contract: string) => string;
  /** How often a sent transaction's receipt is looked for (default 500 ms; the first look is at once). */
  readonly receiptPollMs?: number;
  /** Give up waiting for a receipt after this long (default 10 min). */
  readonly receiptTimeoutMs?: number;
  /** Retries of an RPC call that failed for a transient reason (default 4). */
  readonly rpcRetries?: number;
  readonly rpcBackoff?: BackoffPolicy;
}

/** One transaction slot (nonce) and every transaction sent for it: the original and its replacements. */
interface Slot {
  readonly request: TransmitRequest;
  readonly nonce: bigint;
  readonly data: string;
  /** Newest last. */
  readonly sent: { hash: string; fees: Fees }[];
  /** Block number when the newest transaction was sent. */
  sentAtBlock: number;
}

/** A suggestion for the tip when the node has none (eth_maxPriorityFeePerGas unsupported). */
const FALLBACK_TIP_WEI = 1_000_000_000n;
const defaultRpcBackoff: BackoffPolicy = {
  initialDelayMs: 200,
  maxDelayMs: 5_000,
  multiplier: 2,
  jitter: 0.2,
};

/**
 * Sends every feed's transmit transactions from the node's one transmitter account (ethers v6).
 * Nonces are assigned here, one send at a time, and re-read from the chain ('pending') whenever
 * they may be out of step; ethers' own nonce handling is never used. Fees are EIP-1559 within the
 * configured caps. A transaction not mined after `stuckAfterBlocks` blocks is replaced (same
 * nonce, fees raised by `bumpPercent`); whichever of them is mined is the result. RPC calls that
 * fail for transient reasons are retried with backoff. Every transaction is recorded in the store.
 * Before sending, the contract is read again (as the transmitter's EOA) and a report it already
 * has, or one of another config, is not sent (ocr1.md §14 step 4).
 */
export class EthersTransmitter implements ContractTransmitter {
  readonly address: string;
  readonly #o: EthersTransmitterOptions;
  readonly #wallet: Wallet;
  #nonce: bigint | undefined;
  #sendQueue: Promise<unknown> = Promise.resolve();

  constructor(options: EthersTransmitterOptions) {
    this.#o = options;
    this.#wallet = new Wallet(options.privateKey);
    this.address = this.#wallet.address;
  }

  async transmit(request: TransmitRequest): Promise<TransmitOutcome> {
    const { chain, logger } = this.#o;
    const fields = { contract: request.contract, epoch: request.epoch, round: request.round };
    const latest = await this.#rpc('latestTransmissionDetails', () =>
      chain.latestTransmissionDetails(request.contract, this.address),
    );
    if (!latest.ok) return { status: 'failed', error: `cannot read the contract: ${latest.error}` };
    if (latest.value.configDigest !== request.configDigest.toLowerCase())
      return { status: 'skipped', reason: 'the contract has another config digest' };
    if (!isBefore(latest.value, request))
      return { status: 'skipped', reason: 'the contract already has this or a later round' };
    const slot = await this.#serially(() => this.#send(request));
    if (!slot.ok) {
      logger.warn({ ...fields, error: slot.error }, 'Could not send a transmit transaction');
      return { status: 'failed', error: slot.error };
    }
    return this.#untilMined(slot.value);
  }

  /** Marks transactions left pending by an earlier run as mined or failed, by their receipts. */
  async settlePending(): Promise<void> {
    const pending = await this.#o.store.transactionsByStatus('pending', this.address);
    if (!pending.ok) return;
    for (const tx of pending.value) {
      const receipt = await this.#o.provider.getTransactionReceipt(tx.hash).catch(() => null);
      if (receipt) await this.#record(tx.hash, receipt.status === 1 ? 'confirmed' : 'failed');
    }
  }

  /** Runs sends one at a time, so nonces are handed out in order. */
  #serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#sendQueue.then(work, work);
    this.#sendQueue = run.catch(() => undefined);
    return run;
  }

  async #send(request: TransmitRequest): Promise<Result<Slot, string>> {
    const data = encodeTransmitCalldata(request);
    const fees = await this.#rpc('fees', () => this.#currentFees());
    if (!fees.ok) return err(`cannot estimate fees: ${fees.error}`);
    const block = await this.#rpc('blockNumber', () => this.#o.provider.getBlockNumber());
    for (let attempt = 0; attempt < 3; attempt++) {
      const nonce = await this.#nextNonce();
      if (!nonce.ok) return err(`cannot read the nonce: ${nonce.error}`);
      const slot: Slot = {
        request,
        nonce: nonce.value,
        data,
        sent: [],
        sentAtBlock: block.ok ? block.value : 0,
      };
      const sent = await this.#broadcast(slot, fees.value);
      if (sent === 'sent') {
        this.#nonce = nonce.value + 1n;
        return ok(slot);
      }
      // The nonce was taken (by an earlier run, or a send whose answer was lost): read it again.
      this.#nonce = undefined;
      if (sent !== 'nonce-taken') return err(sent.error);
    }
    return err('the nonce kept changing under this transmitter');
  }

  async #nextNonce(): Promise<Result<bigint, string>> {
    if (this.#nonce !== undefined) return ok(this.#nonce);
    const count = await this.#rpc('getTransactionCount', () =>
      this.#o.provider.getTransactionCount(this.address, 'pending'),
    );
    return count.ok ? ok(BigInt(count.value)) : count;
  }

  /** Signs and sends one transaction of the slot; the slot remembers it once the node has it. */
  async #broadcast(slot: Slot, fees: Fees): Promise<'sent' | 'nonce-taken' | { error: string }> {
    const { gas, chainId, provider, store, clock } = this.#o;
    const signed = await this.#wallet.signTransaction({
      type: 2,
      chainId,
      to: slot.request.contract,
      data: slot.data,
      value: 0n,
      nonce: Number(slot.nonce),
      gasLimit: BigInt(gas.gasLimit),
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    const hash = Transaction.from(signed).hash as string;
    const result = await this.#rpc('sendRawTransaction', async () => {
      try {
        await provider.broadcastTransaction(signed);
      } catch (error) {
        // The node already has exactly this transaction (a retry after a lost answer).
        if (/already known|known transaction|already imported/i.test(String(error))) return;
        throw error;
      }
    });
    if (!result.ok) {
      if (result.error === 'nonce-taken') return 'nonce-taken';
      return { error: result.error };
    }
    slot.sent.push({ hash, fees });
    const { request } = slot;
    const saved = await store.saveTransaction({
      hash,
      from: this.address,
      nonce: slot.nonce,
      feed: request.contract,
      configDigest: request.configDigest,
      epoch: request.epoch,
      round: request.round,
      status: 'pending',
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      sentAtMs: clock.nowMs(),
    });
    if (!saved.ok)
      this.#o.logger.warn({ hash, error: saved.error.message }, 'Cannot record a sent transaction');
    return 'sent';
  }

  async #untilMined(slot: Slot): Promise<TransmitOutcome> {
    const { clock, provider, gas, logger, metrics } = this.#o;
    const deadline = clock.nowMs() + (this.#o.receiptTimeoutMs ?? 600_000);
    let cappedWarned = false;
    for (;;) {
      const receipt = await this.#receipt(slot);
      if (receipt) {
        const hash = receipt.hash;
        for (const { hash: other } of slot.sent) if (other !== hash) await this.#record(other, 'replaced');
        const feed = this.#o.feedOf(slot.request.contract);
        metrics.gasUsed.inc({ feed }, Number(receipt.gasUsed));
        metrics.transmitFee.inc({ feed }, Number(receipt.fee));
        if (receipt.status === 1) {
          await this.#record(hash, 'confirmed');
          return { status: 'confirmed', txHash: hash, gasUsed: receipt.gasUsed };
        }
        await this.#record(hash, 'failed');
        return { status: 'reverted', txHash: hash, gasUsed: receipt.gasUsed };
      }
      if (clock.nowMs() > deadline) {
        this.#nonce = undefined;
        return { status: 'failed', error: `not mined within ${this.#o.receiptTimeoutMs ?? 600_000} ms` };
      }
      const block = await provider.getBlockNumber().catch(() => undefined);
      if (block !== undefined && block >= slot.sentAtBlock + gas.stuckAfterBlocks) {
        const previous = slot.sent.at(-1)?.fees as Fees;
        const fees = bumpedFees(previous, gas.bumpPercent, gas);
        if (!fees) {
          if (!cappedWarned)
            logger.warn(
              { nonce: slot.nonce.toString() },
              'Stuck transaction cannot be bumped: fee caps reached',
            );
          cappedWarned = true;
        } else {
          const sent = await this.#serially(() => this.#broadcast(slot, fees));
          slot.sentAtBlock = block;
          if (sent === 'sent')
            logger.warn(
              {
                nonce: slot.nonce.toString(),
                maxFeePerGas: fees.maxFeePerGas.toString(),
                hash: slot.sent.at(-1)?.hash,
              },
              'Replaced a stuck transaction with higher fees',
            );
        }
      }
      await new Promise<void>((resolve) => clock.after(this.#o.receiptPollMs ?? 500, resolve));
    }
  }

  /** The receipt of whichever transaction of the slot was mined, if any. */
  async #receipt(slot: Slot): Promise<TransactionReceipt | undefined> {
    for (const { hash } of [...slot.sent].reverse()) {
      const receipt = await this.#o.provider.getTransactionReceipt(hash).catch(() => null);
      if (receipt) return receipt;
    }
    return undefined;
  }

  async #currentFees(): Promise<Fees> {
    const { provider, gas } = this.#o;
    const [block, tip] = await Promise.all([
      provider.getBlock('latest'),
      provider
        .send('eth_maxPriorityFeePerGas', [])
        .then((hex: string) => BigInt(hex))
        .catch(() => FALLBACK_TIP_WEI),
    ]);
    return initialFees(block?.baseFeePerGas ?? 0n, tip, gas);
  }

  async #record(hash: string, status: TransactionStatus): Promise<void> {
    const result = await this.#o.store.setTransactionStatus(hash, status);
    if (!result.ok)
      this.#o.logger.warn({ hash, error: result.error.message }, 'Cannot record a transaction status');
  }

  /**
   * An RPC call with retries on transient failures. The error is 'nonce-taken' when the node says
   * the nonce is used (or a transaction with it is pending with higher fees), else a description.
   */
  async #rpc<T>(what: string, call: () => Promise<T>): Promise<Result<T, string>> {
    return retry(
      async () => {
        try {
          return ok(await call());
        } catch (error) {
          return err(classify(error));
        }
      },
      {
        retries: this.#o.rpcRetries ?? 4,
        backoff: this.#o.rpcBackoff ?? defaultRpcBackoff,
        isRetryable: (e) => e.startsWith('transient:'),
        onRetry: (e, attempt, delayMs) =>
          this.#o.logger.debug({ what, attempt, delayMs, error: e }, 'RPC call failed; retrying'),
      },
    );
  }
}

/** A short, secret-free description of an RPC failure; transient ones start with "transient:". */
function classify(error: unknown): string {
  if (isError(error, 'NONCE_EXPIRED') || isError(error, 'REPLACEMENT_UNDERPRICED')) return 'nonce-taken';
  if (/nonce too low|replacement transaction underpriced/i.test(String(error))) return 'nonce-taken';
  if (isError(error, 'INSUFFICIENT_FUNDS')) return 'insufficient funds for gas';
  if (
    isError(error, 'NETWORK_ERROR') ||
    isError(error, 'TIMEOUT') ||
    isError(error, 'SERVER_ERROR') ||
    /ECONNREFUSED|ECONNRESET|socket hang up|fetch failed/i.test(String(error))
  ) {
    return `transient: ${shortMessage(error)}`;
  }
  return shortMessage(error);
}

function shortMessage(error: unknown): string {
  const message = (error as { shortMessage?: unknown }).shortMessage;
  if (typeof message === 'string') return message;
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
}
