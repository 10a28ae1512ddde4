import { backoffDelayMs, type BackoffPolicy } from '@oracle/core';
import type { OracleKeys } from '@oracle/evm';
import type { Logger } from '@oracle/logger';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { AcceptedConfig } from '../ports/config-tracker.js';
import { answerGuard } from './feed-guard.js';
import type { MessageRouter } from './message-router.js';
import { ocrContext, protocolConfig } from './ocr-context.js';
import {
  ProtocolInstance,
  type FeedInfo,
  type InstancePorts,
  type InstanceStatus,
} from './protocol-instance.js';

export interface FeedRunnerOptions {
  readonly feed: FeedInfo;
  readonly keys: OracleKeys;
  readonly ports: InstancePorts;
  readonly router: MessageRouter;
  readonly metrics: NodeMetrics;
  /** Already carries the feed. */
  readonly logger: Logger;
  readonly blockchainTimeoutMs: number;
  /** Delays before a failed instance is started again. */
  readonly restartBackoff?: BackoffPolicy;
}

const defaultRestartBackoff: BackoffPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  multiplier: 2,
  jitter: 0.2,
};
/** An instance that ran this long without failing resets the restart backoff. */
const STABLE_AFTER_MS = 60_000;

/**
 * One feed of an oracle node: runs one protocol instance for the feed's current config, if this
 * node is one of its oracles. A new config digest stops the old instance and starts a new one in
 * the same process; an instance that fails is started again from the store, with backoff.
 */
export class FeedRunner {
  readonly #o: FeedRunnerOptions;
  #config: AcceptedConfig | undefined;
  #instance: ProtocolInstance | undefined;
  #failures = 0;
  #startedAtMs = 0;
  #cancelRestart: (() => void) | undefined;
  #stopped = false;

  constructor(options: FeedRunnerOptions) {
    this.#o = options;
  }

  get config(): AcceptedConfig | undefined {
    return this.#config;
  }

  /** Switches to a newly accepted config (a config with the current digest changes nothing). */
  apply(config: AcceptedConfig): void {
    if (this.#stopped || config.raw.configDigest === this.#config?.raw.configDigest) return;
    const previous = this.#config?.raw.configDigest;
    this.#config = config;
    this.#failures = 0;
    this.#teardown();
    if (!config.membership) {
      this.#o.logger.info(
        { configDigest: config.raw.configDigest, previous },
        'This node is not an oracle of the new config; no protocol instance',
      );
      return;
    }
    this.#o.logger.info(
      { configDigest: config.raw.configDigest, previous, oracleId: config.membership.oracleId },
      'Starting the protocol instance of a new config',
    );
    this.#launch(config);
  }

  stop(): void {
    this.#stopped = true;
    this.#teardown();
  }

  status(): InstanceStatus | undefined {
    return this.#instance?.running ? this.#instance.status() : undefined;
  }

  #launch(config: AcceptedConfig): void {
    const membership = config.membership;
    if (!membership) return;
    const { feed, keys, ports, router, metrics, logger } = this.#o;
    const digest = config.raw.configDigest.toLowerCase();
    const protocol = protocolConfig(
      digest,
      config.publicConfig,
      membership.oracleId,
      answerGuard(feed.guard, feed.decimals),
    );
    const instance: ProtocolInstance = new ProtocolInstance({
      feed,
      protocol,
      ctx: ocrContext(digest, config.publicConfig, membership, keys),
      peerIds: config.publicConfig.oracles.map((o) => o.peerId),
      signers: config.publicConfig.oracles.map((o) => o.signer),
      ports,
      metrics,
      logger: logger.child({ configDigest: digest, oracleId: membership.oracleId }),
      blockchainTimeoutMs: this.#o.blockchainTimeoutMs,
      onFailure: () => this.#onFailure(instance, config),
    });
    this.#instance = instance;
    this.#startedAtMs = ports.clock.nowMs();
    metrics.activeInstances.inc();
    // Registered before the core starts: messages that arrive meanwhile queue behind Started.
    router.add(digest, instance);
    void instance.start();
  }

  #teardown(): void {
    this.#cancelRestart?.();
    this.#cancelRestart = undefined;
    const instance = this.#instance;
    if (!instance) return;
    this.#instance = undefined;
    instance.stop();
    this.#o.router.remove(instance.configDigest, instance);
    this.#o.metrics.activeInstances.dec();
  }

  #onFailure(instance: ProtocolInstance, config: AcceptedConfig): void {
    if (instance !== this.#instance) return;
    this.#teardown();
    const { clock } = this.#o.ports;
    if (clock.nowMs() - this.#startedAtMs > STABLE_AFTER_MS) this.#failures = 0;
    const delayMs = backoffDelayMs(this.#o.restartBackoff ?? defaultRestartBackoff, this.#failures++);
    this.#o.logger.warn(
      { delayMs, failures: this.#failures },
      'Restarting the protocol instance from the store',
    );
    this.#cancelRestart = clock.after(delayMs, () => {
      this.#cancelRestart = undefined;
      if (!this.#stopped && this.#config === config) this.#launch(config);
    });
  }
}
