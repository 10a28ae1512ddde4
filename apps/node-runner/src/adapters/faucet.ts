import { Wallet, type JsonRpcProvider } from 'ethers';
import { backoffDelayMs, sleep, type BackoffPolicy } from '@oracle/core';
import type { Logger } from '@oracle/logger';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { Clock } from '../ports/clock.js';
import { initialFees, type FeeCaps } from './gas-fees.js';

export interface FaucetOptions {
  readonly provider: JsonRpcProvider;
  /** The transmitter account to keep funded. */
  readonly target: string;
  /** The faucet account's key, 0x-hex; without it the balance is only watched. */
  readonly faucetPrivateKey?: string;
  readonly minWei: bigint;
  readonly topupWei: bigint;
  readonly checkIntervalMs: number;
  readonly caps: FeeCaps;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: NodeMetrics;
  /** Waits between attempts when the faucet's nonce is taken by another node's top-up (default: 0.5 s up to 8 s, jittered). */
  readonly retryBackoff?: BackoffPolicy;
  /** How long to wait for a top-up to be mined (default 2 min). */
  readonly confirmTimeoutMs?: number;
}

const ATTEMPTS = 5;
const defaultRetry: BackoffPolicy = { initialDelayMs: 500, maxDelayMs: 8_000, multiplier: 2, jitter: 0.5 };

/**
 * Keeps the transmitter funded: at start and every `checkIntervalMs`, reads its balance (the
 * `oracle_transmitter_balance_wei` gauge, next to `oracle_faucet_min_wei` and, with a faucet key,
 * `oracle_faucet_balance_wei`) and, when it is below `minWei` and a faucet key is
 * configured, sends `topupWei` from the faucet. Every node shares the faucet account, so a top-up
 * whose nonce another node took is retried with jitter. Failures are logged and the loop goes on.
 */
export class Faucet {
  readonly #o: FaucetOptions;
  #cancel: (() => void) | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  readonly #faucetAddress: string | undefined;

  constructor(options: FaucetOptions) {
    this.#o = options;
    this.#faucetAddress = options.faucetPrivateKey ? new Wallet(options.faucetPrivateKey).address : undefined;
    options.metrics.faucetMin.set(Number(options.minWei));
  }

  start(): void {
    this.#tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancel?.();
    await this.#running;
  }

  /** One check (and top-up if needed); returns the balance read, undefined if it could not be read. */
  async check(): Promise<bigint | undefined> {
    const { provider, target, minWei, topupWei, faucetPrivateKey, logger, metrics } = this.#o;
    let balance: bigint;
    try {
      balance = await provider.getBalance(target);
    } catch (error) {
      logger.warn({ err: error }, 'Cannot read the transmitter balance');
      return undefined;
    }
    metrics.transmitterBalance.set(Number(balance));
    await this.#readFaucetBalance();
    if (balance >= minWei || !faucetPrivateKey) {
      if (balance < minWei)
        logger.warn(
          { balanceWei: balance.toString() },
          'Transmitter balance is low and no faucet is configured',
        );
      return balance;
    }
    const txHash = await this.#topUp(faucetPrivateKey);
    metrics.faucetTopups.inc({ outcome: txHash ? 'sent' : 'failed' });
    if (txHash) {
      logger.info(
        { transmitter: target, balanceWei: balance.toString(), topupWei: topupWei.toString(), txHash },
        'Topped up the transmitter from the faucet',
      );
      // The gauges show the balances after the top-up, not until the next check (an hour in production).
      metrics.transmitterBalance.set(Number(balance + topupWei));
      await this.#readFaucetBalance();
      return balance + topupWei;
    }
    return balance;
  }

  async #readFaucetBalance(): Promise<void> {
    if (!this.#faucetAddress) return;
    try {
      this.#o.metrics.faucetBalance.set(Number(await this.#o.provider.getBalance(this.#faucetAddress)));
    } catch (error) {
      this.#o.logger.warn({ err: error }, 'Cannot read the faucet balance');
    }
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#running = this.check()
      .then(() => undefined)
      .finally(() => {
        this.#running = undefined;
        if (!this.#stopped) this.#cancel = this.#o.clock.after(this.#o.checkIntervalMs, () => this.#tick());
      });
  }

  async #topUp(faucetPrivateKey: string): Promise<string | undefined> {
    const { provider, target, topupWei, caps, logger } = this.#o;
    const wallet = new Wallet(faucetPrivateKey, provider);
    for (let attempt = 0; attempt < ATTEMPTS && !this.#stopped; attempt++) {
      try {
        const block = await provider.getBlock('latest');
        const tip = BigInt(await provider.send('eth_maxPriorityFeePerGas', []).catch(() => '0x3b9aca00'));
        const fees = initialFees(block?.baseFeePerGas ?? 0n, tip, caps);
        // Nonce read fresh ('pending'): ethers' provider here has no response cache.
        const tx = await wallet.sendTransaction({ to: target, value: topupWei, gasLimit: 21_000n, ...fees });
        const receipt = await tx.wait(1, this.#o.confirmTimeoutMs ?? 120_000);
        if (receipt?.status === 1) return tx.hash;
        logger.warn({ txHash: tx.hash }, 'Faucet top-up was not mined successfully');
        return undefined;
      } catch (error) {
        const delayMs = backoffDelayMs(this.#o.retryBackoff ?? defaultRetry, attempt);
        logger.warn({ attempt, delayMs, error: describe(error) }, 'Faucet top-up failed; retrying');
        await sleep(delayMs);
      }
    }
    this.#o.metrics.failures.inc({ kind: 'faucet' });
    return undefined;
  }
}

function describe(error: unknown): string {
  const short = (error as { shortMessage?: unknown }).shortMessage;
  return typeof short === 'string'
    ? short
    : error instanceof Error
      ? (error.message.split('\n')[0] ?? '')
      : String(error);
}
