import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DropReason, MessageDirection, TransportMetrics } from '../ports/transport.js';

/** Why the runtime dropped an inbound message before the core saw it (the transport's reasons come on top). */
export type RuntimeDropReason = 'malformed' | 'unknown-instance' | 'unknown-sender';

export type TransmissionOutcome = 'confirmed' | 'reverted' | 'skipped' | 'failed';

/**
 * `store`: a protocol write or restore failed after the store's retries; `database`: a database
 * error the store absorbed (an idle connection lost, a call retried).
 */
export type FailureKind =
  'store' | 'database' | 'chain-read' | 'observation' | 'instance' | 'config' | 'faucet';

/**
 * One node's Prometheus metrics, on its own registry (served at /metrics). Label values are
 * bounded: feed names come from the configuration, outcomes and reasons from fixed lists.
 */
export class NodeMetrics {
  readonly registry = new Registry();

  readonly rounds = this.#counter('oracle_rounds_total', 'Rounds this node was asked to observe in', [
    'feed',
  ]);
  readonly observations = this.#counter(
    'oracle_observations_total',
    'Observations made, by outcome (ok, missing)',
    ['feed', 'outcome'],
  );
  readonly reportsSigned = this.#counter('oracle_reports_signed_total', 'Reports this node signed', ['feed']);
  readonly reports = this.#counter(
    'oracle_reports_total',
    'Final reports this node accepted for transmission',
    ['feed'],
  );
  readonly transmissions = this.#counter(
    'oracle_transmissions_total',
    'Transmissions by outcome (confirmed, reverted, skipped, failed)',
    ['feed', 'outcome'],
  );
  readonly failures = this.#counter('oracle_failures_total', 'Failures by kind', ['kind']);
  readonly chainReads = this.#counter(
    'oracle_chain_reads_total',
    'latestTransmissionDetails reads by outcome (ok, timeout)',
    ['outcome'],
  );
  readonly roundDuration = new Histogram({
    name: 'oracle_round_duration_seconds',
    help: 'From the observation request of a round to its transmission being mined (transmitting node only)',
    buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly p2pSent = this.#counter('oracle_p2p_messages_sent_total', 'P2P messages sent', []);
  readonly p2pReceived = this.#counter('oracle_p2p_messages_received_total', 'P2P messages received', []);
  readonly p2pDropped = this.#counter(
    'oracle_p2p_messages_dropped_total',
    'P2P messages dropped, by direction and reason',
    ['direction', 'reason'],
  );
  readonly peersConnected = this.#gauge('oracle_p2p_peers_connected', 'Peers with an open connection');
  readonly activeInstances = this.#gauge(
    'oracle_protocol_instances',
    'Running protocol instances (one per feed this node is an oracle of)',
  );
  readonly transmitterBalance = this.#gauge(
    'oracle_transmitter_balance_wei',
    'Balance of the transmitter account',
  );
  readonly gasUsed = this.#counter(
    'oracle_transmit_gas_used_total',
    'Gas used by mined transmit transactions',
    ['feed'],
  );
  readonly transmitFee = this.#counter(
    'oracle_transmit_fee_wei_total',
    'Fees paid for mined transmit transactions (gas used times effective gas price)',
    ['feed'],
  );
  readonly faucetTopups = this.#counter(
    'oracle_faucet_topups_total',
    'Top-ups of the transmitter from the faucet, by outcome (sent, failed)',
    ['outcome'],
  );
  readonly faucetBalance = this.#gauge('oracle_faucet_balance_wei', 'Balance of the faucet account');
  readonly faucetMin = this.#gauge(
    'oracle_faucet_min_wei',
    'The transmitter balance below which the faucet tops it up (faucetMinWei)',
  );

  // Per feed, this node's view (gauges only: cheap with a few feeds per node).
  readonly feedAnswer = this.#gauge(
    'oracle_feed_answer',
    "The feed contract's latest answer, scaled by the feed's decimals",
    ['feed'],
  );
  readonly feedAnswerTimestamp = this.#gauge(
    'oracle_feed_answer_timestamp_seconds',
    "Unix time (block time) of the feed contract's latest answer",
    ['feed'],
  );
  readonly feedHeartbeat = this.#gauge(
    'oracle_feed_heartbeat_seconds',
    'The heartbeat (deltaC) of the feed config in use',
    ['feed'],
  );
  readonly feedDeviationThreshold = this.#gauge(
    'oracle_feed_deviation_threshold_ratio',
    'The deviation threshold (alphaPPB / 1e9) of the feed config in use',
    ['feed'],
  );
  readonly feedObservation = this.#gauge(
    'oracle_feed_observation',
    "This node's latest observation (the aggregator median), scaled by the feed's decimals",
    ['feed'],
  );
  readonly feedEpoch = this.#gauge('oracle_feed_epoch', 'Current epoch of the protocol instance', ['feed']);
  readonly feedRound = this.#gauge('oracle_feed_round', 'Current round of the protocol instance', ['feed']);
  readonly feedLeader = this.#gauge('oracle_feed_leader', "OracleID of the current epoch's leader", ['feed']);
  readonly epochChanges = this.#counter(
    'oracle_epoch_changes_total',
    'Epoch changes of the protocol instance (leader changes), not counting the start',
    ['feed'],
  );
  readonly feedOraclesConnected = this.#gauge(
    'oracle_feed_oracles_connected',
    "This node plus the feed's other oracles it has an open connection to",
    ['feed'],
  );
  readonly feedQuorum = this.#gauge('oracle_feed_quorum', '2f+1 of the feed config in use', ['feed']);
  readonly feedGuardTripped = this.#gauge(
    'oracle_feed_guard_tripped',
    '1 while the feed guard holds the last on-chain answer (this node signs and transmits no report), else 0',
    ['feed'],
  );
  readonly feedGuardTrips = this.#counter(
    'oracle_feed_guard_trips_total',
    'Times the feed guard started holding the feed, by reason (max_change, band)',
    ['feed', 'reason'],
  );

  constructor(defaultLabels: Record<string, string> = {}) {
    this.registry.setDefaultLabels(defaultLabels);
    collectDefaultMetrics({ register: this.registry });
  }

  /** The transport's counters, fed into this registry. */
  transportMetrics(): TransportMetrics {
    return {
      messageSent: () => this.p2pSent.inc(),
      messageReceived: () => this.p2pReceived.inc(),
      messageDropped: (_peer: string, direction: MessageDirection, reason: DropReason) =>
        this.p2pDropped.inc({ direction, reason }),
    };
  }

  droppedInbound(reason: RuntimeDropReason): void {
    this.p2pDropped.inc({ direction: 'inbound', reason });
  }

  #counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  #gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}
