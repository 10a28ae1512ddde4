import { backoffDelayMs, type BackoffPolicy } from '@oracle/core';
import { CONFIG_SET_TOPIC } from '@oracle/evm';
import type { Logger } from '@oracle/logger';
import WebSocket from 'ws';
import { z } from 'zod';
import type { Clock } from '../ports/clock.js';

export interface ConfigSetSubscriptionOptions {
  readonly wsUrl: string;
  /** Called with the (lower-case) address of a contract that emitted ConfigSet. */
  readonly onConfigSet: (contract: string) => void;
  readonly contracts: readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** Delays between reconnections after the socket fails or closes. */
  readonly reconnectBackoff?: BackoffPolicy;
}

const defaultReconnect: BackoffPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 120_000,
  multiplier: 2,
  jitter: 0.2,
};
const SUBSCRIBE_ID = 1;

/** What arrives on the socket: the answer to eth_subscribe, or a log notification. */
const frameSchema = z.union([
  z.object({ id: z.literal(SUBSCRIBE_ID), result: z.string() }),
  z.object({ id: z.literal(SUBSCRIBE_ID), error: z.object({ message: z.string() }) }),
  z.object({
    method: z.literal('eth_subscription'),
    params: z.object({ result: z.object({ address: z.string() }) }),
  }),
]);

/**
 * One WebSocket subscription (`eth_subscribe` "logs") to the ConfigSet logs of every feed contract
 * of a node. A log only tells the feed's tracker to poll now: the tracker's checks (confirmations,
 * digest, validation) stay the single path to a config, and polling goes on while the socket is
 * down. A failed or closed socket is reopened with backoff, forever. Plain JSON-RPC over a `ws`
 * WebSocket (not the platform one, which loads Node's bundled undici: ~10 MiB of RSS); nothing
 * here can leave a promise unhandled.
 */
export class ConfigSetSubscription {
  readonly #o: ConfigSetSubscriptionOptions;
  #socket: WebSocket | undefined;
  #failures = 0;
  #cancelReconnect: (() => void) | undefined;
  #stopped = false;

  constructor(options: ConfigSetSubscriptionOptions) {
    this.#o = options;
  }

  start(): void {
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    this.#cancelReconnect?.();
    this.#socket?.close();
    this.#socket = undefined;
  }

  #connect(): void {
    if (this.#stopped || this.#o.contracts.length === 0) return;
    const { wsUrl, contracts, logger } = this.#o;
    const socket = new WebSocket(wsUrl);
    this.#socket = socket;
    socket.addEventListener('open', () =>
      socket.send(
        JSON.stringify({
          jsonrpc: '2.0',
          id: SUBSCRIBE_ID,
          method: 'eth_subscribe',
          params: ['logs', { address: contracts, topics: [CONFIG_SET_TOPIC] }],
        }),
      ),
    );
    socket.addEventListener('message', (event) => {
      let frame: z.infer<typeof frameSchema>;
      try {
        frame = frameSchema.parse(JSON.parse(String(event.data)));
      } catch {
        return;
      }
      if ('method' in frame) this.#o.onConfigSet(frame.params.result.address.toLowerCase());
      else if ('result' in frame) {
        this.#failures = 0;
        logger.info({ contracts: contracts.length }, 'Subscribed to ConfigSet logs');
      } else {
        logger.warn({ error: frame.error.message }, 'The node refused the ConfigSet subscription');
        socket.close();
      }
    });
    // A refused connection may raise only 'error' (the socket stays CONNECTING), a dropped one 'close'.
    socket.addEventListener('error', () => this.#reconnectLater(socket));
    socket.addEventListener('close', () => this.#reconnectLater(socket));
  }

  #reconnectLater(socket: WebSocket): void {
    if (this.#stopped || socket !== this.#socket) return;
    this.#socket = undefined;
    socket.close();
    const delayMs = backoffDelayMs(this.#o.reconnectBackoff ?? defaultReconnect, this.#failures++);
    this.#o.logger.warn({ delayMs }, 'ConfigSet subscription lost; reconnecting');
    this.#cancelReconnect = this.#o.clock.after(delayMs, () => {
      this.#cancelReconnect = undefined;
      this.#connect();
    });
  }
}
