import { WebSocketProvider, type Log } from 'ethers';
import { backoffDelayMs, type BackoffPolicy } from '@oracle/core';
import { CONFIG_SET_TOPIC } from '@oracle/evm';
import type { Logger } from '@oracle/logger';
import type { Clock } from '../ports/clock.js';

export interface ConfigSetSubscriptionOptions {
  readonly wsUrl: string;
  readonly chainId: number;
  /** Called with the (lower-case) address of a contract that emitted ConfigSet. */
  readonly onConfigSet: (contract: string) => void;
  readonly contracts: readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** Delays between reconnections after the socket closes. */
  readonly reconnectBackoff?: BackoffPolicy;
}

const defaultReconnect: BackoffPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 120_000,
  multiplier: 2,
  jitter: 0.2,
};

/**
 * One WebSocket subscription to the ConfigSet logs of every feed contract of a node. A log only
 * tells the feed's tracker to poll now: the tracker's checks (confirmations, digest, validation)
 * stay the single path to a config, and polling goes on when the socket is down. A closed socket
 * is reopened with backoff, forever.
 */
export class ConfigSetSubscription {
  readonly #o: ConfigSetSubscriptionOptions;
  #provider: WebSocketProvider | undefined;
  #failures = 0;
  #cancelReconnect: (() => void) | undefined;
  #stopped = false;

  constructor(options: ConfigSetSubscriptionOptions) {
    this.#o = options;
  }

  start(): void {
    this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelReconnect?.();
    await this.#provider?.destroy();
    this.#provider = undefined;
  }

  #connect(): void {
    if (this.#stopped || this.#o.contracts.length === 0) return;
    const { wsUrl, chainId, contracts, logger } = this.#o;
    const socket = new WebSocket(wsUrl);
    const provider = new WebSocketProvider(socket, chainId, { staticNetwork: true });
    this.#provider = provider;
    socket.addEventListener('open', () => {
      this.#failures = 0;
      logger.info({ contracts: contracts.length }, 'Subscribed to ConfigSet logs');
    });
    socket.addEventListener('close', () => this.#reconnectLater(provider));
    void provider
      .on({ address: [...contracts], topics: [CONFIG_SET_TOPIC] }, (log: Log) =>
        this.#o.onConfigSet(log.address.toLowerCase()),
      )
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'Subscribing to ConfigSet logs failed');
        socket.close();
      });
  }

  #reconnectLater(provider: WebSocketProvider): void {
    if (this.#stopped || provider !== this.#provider) return;
    this.#provider = undefined;
    void provider.destroy().catch(() => undefined);
    const delayMs = backoffDelayMs(this.#o.reconnectBackoff ?? defaultReconnect, this.#failures++);
    this.#o.logger.warn({ delayMs }, 'ConfigSet subscription closed; reconnecting');
    this.#cancelReconnect = this.#o.clock.after(delayMs, () => {
      this.#cancelReconnect = undefined;
      this.#connect();
    });
  }
}
