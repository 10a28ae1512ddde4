import {
  configDigest,
  decryptSharedSecret,
  ENCODED_CONFIG_VERSION,
  parsePublicConfig,
  ZERO_CONFIG_DIGEST,
  type OracleKeys,
} from '@oracle/evm';
import type { Logger } from '@oracle/logger';
import type { ChainReader } from '../ports/chain.js';
import type { Clock } from '../ports/clock.js';
import type { AcceptedConfig, ConfigTracker } from '../ports/config-tracker.js';
import type { ContractConfig, Store } from '../ports/store.js';

/** Who this node is, to find itself in a config. A bootstrap node has no identity: it follows configs for their peer ids. */
export interface OracleIdentity {
  readonly keys: OracleKeys;
  readonly peerId: string;
}

export interface ContractConfigTrackerOptions {
  readonly contract: string;
  readonly chain: ChainReader;
  readonly store: Store;
  readonly chainId: number;
  /** Blocks a ConfigSet must be buried under (1 = usable in the block it was mined). */
  readonly confirmations: number;
  readonly pollIntervalMs: number;
  readonly identity?: OracleIdentity;
  readonly clock: Clock;
  /** Already carries the feed. */
  readonly logger: Logger;
  /** Counts configs refused and chain reads that failed. */
  readonly onProblem?: () => void;
}

/** While a new config waits for confirmations, the contract is polled at least this often (libocr: 15 s). */
const CONFIRMATION_POLL_MS = 15_000;

/**
 * Follows one OCR1 contract's configuration the way libocr does (ocr1.md §2.4): poll
 * latestConfigDetails; when the digest changes, wait for confirmations, read the ConfigSet log of
 * that block, recompute and compare the digest, ignore versions other than 1, validate the public
 * config (chain minimums included), find this node by its signing address and check its other
 * keys, decrypt the shared secret. Each accepted config is stored, so a restart works without the
 * chain, and handed to `onConfig`.
 */
export class ContractConfigTracker implements ConfigTracker {
  readonly #o: ContractConfigTrackerOptions;
  #onConfig: (config: AcceptedConfig) => void = () => undefined;
  /** The digest last handed out, and digests refused (each is reported once, not at every poll). */
  #current: string | undefined;
  readonly #refused = new Set<string>();
  #cancelPoll: (() => void) | undefined;
  #polling: Promise<void> | undefined;
  #pollAgain = false;
  #stopped = false;

  constructor(options: ContractConfigTrackerOptions) {
    this.#o = options;
  }

  async start(onConfig: (config: AcceptedConfig) => void): Promise<void> {
    this.#onConfig = onConfig;
    const stored = await this.#o.store.loadContractConfig(this.#o.contract);
    if (!stored.ok) {
      this.#o.logger.warn({ error: stored.error.message }, 'Cannot load the stored contract config');
    } else if (stored.value) {
      const accepted = this.#accept(stored.value);
      if (accepted) {
        this.#current = stored.value.configDigest;
        this.#o.logger.info({ configDigest: this.#current }, 'Using the stored contract config');
        onConfig(accepted);
      }
    }
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelPoll?.();
    await this.#polling;
  }

  pollNow(): void {
    if (this.#polling) this.#pollAgain = true;
    else this.#schedule(0);
  }

  #schedule(afterMs: number): void {
    if (this.#stopped) return;
    this.#cancelPoll?.();
    this.#cancelPoll = this.#o.clock.after(afterMs, () => {
      this.#cancelPoll = undefined;
      this.#polling = this.#poll().finally(() => (this.#polling = undefined));
    });
  }

  async #poll(): Promise<void> {
    let nextMs = this.#o.pollIntervalMs;
    try {
      nextMs = await this.#check();
    } catch (error) {
      this.#o.onProblem?.();
      this.#o.logger.warn({ err: error }, 'Reading the contract config failed; will retry');
    }
    if (this.#pollAgain) {
      this.#pollAgain = false;
      nextMs = 0;
    }
    this.#schedule(nextMs);
  }

  /** One look at the contract; returns when to look again. */
  async #check(): Promise<number> {
    const { chain, contract, confirmations, pollIntervalMs, logger } = this.#o;
    const details = await chain.latestConfigDetails(contract);
    const digest = details.configDigest;
    if (digest === ZERO_CONFIG_DIGEST || digest === this.#current || this.#refused.has(digest)) {
      return pollIntervalMs;
    }
    const waitingMs = Math.min(CONFIRMATION_POLL_MS, pollIntervalMs);
    const latestBlock = await chain.blockNumber();
    if (latestBlock < details.blockNumber + confirmations - 1) {
      logger.debug(
        { configDigest: digest, block: details.blockNumber, latestBlock },
        'New config awaits confirmations',
      );
      return waitingMs;
    }
    const events = await chain.configSetEvents(contract, details.blockNumber);
    const event = events.findLast((e) => e.configCount === details.configCount);
    if (!event) {
      logger.warn({ block: details.blockNumber }, 'No ConfigSet log for the latest config in its block');
      return waitingMs;
    }
    const raw: ContractConfig = {
      configDigest: digest,
      configCount: event.configCount,
      signers: event.signers,
      transmitters: event.transmitters,
      threshold: event.threshold,
      encodedConfigVersion: event.encodedConfigVersion,
      encoded: event.encoded,
      blockNumber: BigInt(details.blockNumber),
    };
    const accepted = this.#accept(raw);
    if (!accepted) {
      this.#refused.add(digest);
      return pollIntervalMs;
    }
    const saved = await this.#o.store.saveContractConfig(contract, raw);
    if (!saved.ok)
      logger.warn({ error: saved.error.message }, 'Cannot store the contract config; using it anyway');
    this.#current = digest;
    logger.info(
      { configDigest: digest, configCount: raw.configCount.toString(), block: details.blockNumber },
      'Accepted a new contract config',
    );
    this.#onConfig(accepted);
    return pollIntervalMs;
  }

  /** Every check a libocr node makes before it uses a config; undefined (and a log line) when one fails. */
  #accept(raw: ContractConfig): AcceptedConfig | undefined {
    const { contract, identity, chainId, logger } = this.#o;
    const refuse = (reason: string, level: 'info' | 'error' = 'error'): undefined => {
      if (level === 'error') this.#o.onProblem?.();
      logger[level]({ configDigest: raw.configDigest, reason }, 'Not using a contract config');
      return undefined;
    };
    if (raw.encodedConfigVersion !== ENCODED_CONFIG_VERSION)
      return refuse(`encodedConfigVersion is ${raw.encodedConfigVersion}, not 1`, 'info');
    const computed = configDigest(contract, raw.configCount, raw);
    if (computed.toLowerCase() !== raw.configDigest.toLowerCase())
      return refuse(`the ConfigSet log gives digest ${computed}, the contract ${raw.configDigest}`);
    const parsed = parsePublicConfig(raw, { chainId: BigInt(chainId) });
    if (!parsed.ok) return refuse(parsed.error);
    const publicConfig = parsed.value;
    const config: AcceptedConfig = { contract, raw, publicConfig };
    if (!identity) return config;
    const { keys, peerId } = identity;
    const oracleId = publicConfig.oracles.findIndex(
      (o) => o.signer.toLowerCase() === keys.onchainSigningAddress.toLowerCase(),
    );
    if (oracleId < 0) return config;
    const oracle = publicConfig.oracles[oracleId];
    if (oracle?.offchainPublicKey.toLowerCase() !== keys.offchainPublicKey.toLowerCase())
      return refuse(`oracle ${oracleId} has another off-chain public key than this node`);
    if (oracle.peerId !== peerId) return refuse(`oracle ${oracleId} has another peer id than this node`);
    if (oracle.transmitter.toLowerCase() !== keys.transmitterAddress.toLowerCase())
      return refuse(`oracle ${oracleId} has another transmitter than this node`);
    const secret = decryptSharedSecret(
      publicConfig.sharedSecretEncryptions,
      oracleId,
      keys.reveal().configPrivateKey,
    );
    if (!secret.ok) return refuse(secret.error);
    return { ...config, membership: { oracleId, sharedSecret: secret.value } };
  }
}
