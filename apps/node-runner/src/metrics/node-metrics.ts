import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DropReason, MessageDirection, TransportMetrics } from '../ports/transport.js';

/** Why the runtime dropped an inbound message before the core saw it (the transport's reasons come on top). */
export type RuntimeDropReason = 'malformed' | 'unknown-instance' | 'unknown-sender';

export type TransmissionOutcome = 'confirmed' | 'reverted' | 'skipped' | 'failed';

export type FailureKind = 'store' | 'chain-read' | 'observation' | 'instance' | 'config' | 'faucet';

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
    [],
  );
  readonly faucetTopups = this.#counter(
    'oracle_faucet_topups_total',
    'Top-ups of the transmitter from the faucet, by outcome (sent, failed)',
    ['outcome'],
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

  #gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }
}
