import type { OracleKeys } from '@oracle/evm';
import type { Logger } from '@oracle/logger';
import { oraclesConnected, quorum, scaledToNumber } from '../metrics/feed-values.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { ChainReader, ContractTransmitter } from '../ports/chain.js';
import type { Clock } from '../ports/clock.js';
import type { AcceptedConfig, ConfigTracker } from '../ports/config-tracker.js';
import type { Observer } from '../ports/observer.js';
import type { Store } from '../ports/store.js';
import type { Transport } from '../ports/transport.js';
import { FeedRunner } from './feed-runner.js';
import { MessageRouter } from './message-router.js';
import type { FeedInfo, InstanceStatus } from './protocol-instance.js';

/** What an oracle node has and a bootstrap node does not. */
export interface OracleParts {
  readonly keys: OracleKeys;
  readonly observer: Observer;
  readonly chain: ChainReader;
  readonly transmitter: ContractTransmitter;
}

export interface NodeRuntimeOptions {
  readonly feeds: readonly FeedInfo[];
  readonly trackerFor: (feed: FeedInfo) => ConfigTracker;
  readonly store: Store;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly metrics: NodeMetrics;
  readonly logger: Logger;
  readonly blockchainTimeoutMs: number;
  /** Absent on a bootstrap node: it runs no protocol instance, it only follows configs for the allow list. */
  readonly oracle?: OracleParts;
  /** How often the database is probed for /health (default 10 s). */
  readonly storeProbeIntervalMs?: number;
}

export interface FeedStatus {
  readonly name: string;
  readonly pair: string;
  readonly contract: string;
  readonly configDigest?: string;
  /** This node's OracleID in the feed's config; absent when it is not one of its oracles. */
  readonly oracleId?: number;
  readonly instance?: InstanceStatus;
}

export interface HealthReport {
  readonly ok: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail: string }>>;
}

/** Pending transmissions older than this are deleted (libocr: 24 h). */
const PENDING_TRANSMISSION_TTL_MS = 24 * 3_600_000;
const GC_INTERVAL_MS = 10 * 60_000;

/**
 * One node's feeds: a config tracker per feed contract, and on an oracle node a FeedRunner per feed
 * (one protocol instance per current config). Keeps the transport's allow list at the peers of
 * the configs in use, routes inbound messages to instances by config digest, deletes old pending
 * transmissions, and answers /status and /health.
 */
export class NodeRuntime {
  readonly #o: NodeRuntimeOptions;
  readonly #router: MessageRouter;
  readonly #trackers = new Map<string, ConfigTracker>();
  readonly #configs = new Map<string, AcceptedConfig>();
  readonly #runners = new Map<string, FeedRunner>();
  readonly #cancels: (() => void)[] = [];
  #removeHandler: (() => void) | undefined;
  #stopped = false;
  #databaseOk: boolean | undefined;

  constructor(options: NodeRuntimeOptions) {
    this.#o = options;
    this.#router = new MessageRouter(options.metrics);
  }

  async start(): Promise<void> {
    const { feeds, oracle, transport, logger } = this.#o;
    this.#removeHandler = transport.onMessage((message) => this.#router.route(message));
    for (const feed of feeds) {
      const feedLogger = logger.child({ feed: feed.name });
      if (oracle) {
        this.#runners.set(
          feed.contract,
          new FeedRunner({
            feed,
            keys: oracle.keys,
            ports: { ...oracle, store: this.#o.store, transport, clock: this.#o.clock },
            router: this.#router,
            metrics: this.#o.metrics,
            logger: feedLogger,
            blockchainTimeoutMs: this.#o.blockchainTimeoutMs,
          }),
        );
      }
      this.#trackers.set(feed.contract, this.#o.trackerFor(feed));
    }
    await Promise.all(
      feeds.map((feed) => this.#trackers.get(feed.contract)?.start((config) => this.#onConfig(feed, config))),
    );
    this.#every(GC_INTERVAL_MS, () => this.#collectGarbage());
    this.#every(this.#o.storeProbeIntervalMs ?? 10_000, () => this.#probeStore(), true);
    this.#every(5_000, () => this.updateConnectionGauges(), true);
  }

  /** Peers connected, and per feed this node is an oracle of, the oracles it reaches (also run before each push). */
  updateConnectionGauges(): void {
    const { metrics, transport, feeds } = this.#o;
    const connected = transport.connectedPeers();
    metrics.peersConnected.set(connected.length);
    for (const feed of feeds) {
      const config = this.#configs.get(feed.contract);
      if (!config?.membership) continue;
      const peerIds = config.publicConfig.oracles.map((o) => o.peerId);
      metrics.feedOraclesConnected.set(
        { feed: feed.name },
        oraclesConnected(peerIds, transport.peerId, connected),
      );
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const cancel of this.#cancels) cancel();
    this.#removeHandler?.();
    await Promise.all([...this.#trackers.values()].map((t) => t.stop()));
    for (const runner of this.#runners.values()) runner.stop();
  }

  /** Tells the tracker of a contract to poll now (a ConfigSet log arrived). */
  configSetSeen(contract: string): void {
    for (const [address, tracker] of this.#trackers) {
      if (address.toLowerCase() === contract.toLowerCase()) tracker.pollNow();
    }
  }

  status(): FeedStatus[] {
    return this.#o.feeds.map((feed) => {
      const config = this.#configs.get(feed.contract);
      const instance = this.#runners.get(feed.contract)?.status();
      return {
        name: feed.name,
        pair: feed.pair,
        contract: feed.contract,
        ...(config ? { configDigest: config.raw.configDigest } : {}),
        ...(config?.membership ? { oracleId: config.membership.oracleId } : {}),
        ...(instance ? { instance } : {}),
      };
    });
  }

  health(): HealthReport {
    const { feeds, oracle, transport } = this.#o;
    const missing = feeds.filter((feed) => !this.#configs.has(feed.contract)).map((feed) => feed.name);
    const checks: Record<string, { ok: boolean; detail: string }> = {
      config: {
        ok: missing.length === 0,
        detail:
          missing.length === 0
            ? `${feeds.length} feeds configured`
            : `no config yet for ${missing.join(', ')}`,
      },
      database: {
        ok: this.#databaseOk === true,
        detail:
          this.#databaseOk === undefined ? 'not probed yet' : this.#databaseOk ? 'reachable' : 'unreachable',
      },
    };
    if (oracle) {
      const members = [...this.#configs.values()].filter((c) => c.membership);
      const needed = Math.max(0, ...members.map((c) => 2 * c.publicConfig.f));
      const oraclePeers = new Set(members.flatMap((c) => c.publicConfig.oracles.map((o) => o.peerId)));
      const connected = transport.connectedPeers().filter((peerId) => oraclePeers.has(peerId)).length;
      checks.peers = {
        ok: connected >= needed,
        detail: `${connected} oracle peers connected, ${needed} needed (2f)`,
      };
    }
    return { ok: Object.values(checks).every((c) => c.ok), checks };
  }

  #onConfig(feed: FeedInfo, config: AcceptedConfig): void {
    this.#configs.set(feed.contract, config);
    if (config.membership) {
      const { metrics } = this.#o;
      const labels = { feed: feed.name };
      metrics.feedQuorum.set(labels, quorum(config.publicConfig.f));
      metrics.feedHeartbeat.set(labels, scaledToNumber(config.publicConfig.deltaCNs, 9));
      metrics.feedDeviationThreshold.set(labels, scaledToNumber(config.publicConfig.alphaPpb, 9));
    }
    this.#updateAllowList();
    this.#runners.get(feed.contract)?.apply(config);
  }

  /** The peers of every config this node takes part in (a bootstrap node: of every config). */
  #updateAllowList(): void {
    const { transport, oracle } = this.#o;
    const peers = new Set<string>();
    for (const config of this.#configs.values()) {
      if (oracle && !config.membership) continue;
      for (const o of config.publicConfig.oracles) if (o.peerId !== transport.peerId) peers.add(o.peerId);
    }
    transport.setAllowedPeers([...peers]);
  }

  async #collectGarbage(): Promise<void> {
    const deleted = await this.#o.store.deletePendingTransmissionsBefore(
      this.#o.clock.nowMs() - PENDING_TRANSMISSION_TTL_MS,
    );
    if (deleted.ok && deleted.value > 0)
      this.#o.logger.info({ deleted: deleted.value }, 'Deleted pending transmissions older than 24 h');
  }

  async #probeStore(): Promise<void> {
    const probe = await this.#o.store.loadContractConfig(this.#o.feeds[0]?.contract ?? '0x');
    if (this.#databaseOk !== undefined && probe.ok !== this.#databaseOk)
      this.#o.logger[probe.ok ? 'info' : 'warn'](
        {},
        probe.ok ? 'Database reachable again' : 'Database unreachable',
      );
    this.#databaseOk = probe.ok;
  }

  /** Runs `work` every `intervalMs` (and once at once when `now`), never two at a time. */
  #every(intervalMs: number, work: () => Promise<void> | void, now = false): void {
    let cancel = (): void => undefined;
    this.#cancels.push(() => cancel());
    const run = async (): Promise<void> => {
      try {
        await work();
      } catch (error) {
        this.#o.logger.warn({ err: error }, 'Periodic task failed');
      }
      if (!this.#stopped) cancel = this.#o.clock.after(intervalMs, () => void run());
    };
    if (now) void run();
    else cancel = this.#o.clock.after(intervalMs, () => void run());
  }
}
