import { backoffDelayMs, type BackoffPolicy } from '@oracle/core';
import type { Logger } from '@oracle/logger';
import {
  decodeMessage,
  encodeMessage,
  initialState,
  step,
  timerKey,
  type Effect,
  type EpochRound,
  type LatestTransmission,
  type Message,
  type OcrContext,
  type OcrEvent,
  type OcrState,
  type PersistRecord,
  type ProtocolConfig,
  type RestoredState,
  type Timer,
} from '../ocr/index.js';
import type { ChainReader, ContractTransmitter, TransmitOutcome } from '../ports/chain.js';
import type { Clock } from '../ports/clock.js';
import type { Observer } from '../ports/observer.js';
import type { Store, StoreResult } from '../ports/store.js';
import type { Transport } from '../ports/transport.js';
import { scaledToNumber } from '../metrics/feed-values.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import { TIMED_OUT, withDeadline } from './deadline.js';
import { guardHeld, type FeedGuardSettings, type GuardStatus } from './feed-guard.js';
import {
  deserializePendingTransmission,
  serializePendingTransmission,
  toTransmitArgs,
} from './report-codec.js';

/** The feed an instance reports on. */
export interface FeedInfo {
  readonly name: string;
  /** "BASE/QUOTE". */
  readonly pair: string;
  readonly decimals: number;
  /** The aggregator contract. */
  readonly contract: string;
  /** configuration feeds[].guard; absent: off. */
  readonly guard?: FeedGuardSettings;
}

export interface InstancePorts {
  readonly clock: Clock;
  readonly store: Store;
  readonly transport: Transport;
  readonly observer: Observer;
  readonly chain: ChainReader;
  readonly transmitter: ContractTransmitter;
}

export interface ProtocolInstanceOptions {
  readonly feed: FeedInfo;
  readonly protocol: ProtocolConfig;
  readonly ctx: OcrContext;
  /** The config's peer ids and signer addresses, by OracleID. */
  readonly peerIds: readonly string[];
  readonly signers: readonly string[];
  readonly ports: InstancePorts;
  readonly metrics: NodeMetrics;
  /** Already carries the feed and digest. */
  readonly logger: Logger;
  readonly blockchainTimeoutMs: number;
  /** Delays between attempts to restore the state when the store is unavailable. */
  readonly restoreBackoff?: BackoffPolicy;
  /** Called once if the instance stopped itself (a Persist failed, or the core threw). */
  readonly onFailure: (reason: string) => void;
}

export interface InstanceStatus {
  readonly configDigest: string;
  readonly oracleId: number;
  readonly n: number;
  readonly f: number;
  readonly epoch: number;
  readonly round: number;
  readonly leader: number;
  /** The newest report this node accepted for transmission since it started. */
  readonly lastReport?: EpochRound & { readonly median: bigint };
  /** The outcome of this node's latest transmission. */
  readonly lastTransmission?: EpochRound & { readonly outcome: TransmitOutcome; readonly atMs: number };
  /** The contract's latest transmission, as last read, and the age of its answer now. */
  readonly onChain?: LatestTransmission & { readonly readAtMs: number; readonly ageSeconds?: number };
  /** The feed guard, when configured, and `held` while it holds the feed on this node. */
  readonly guard?: GuardStatus;
}

type EventMaker = (nowMs: number) => OcrEvent | undefined;

interface ArmedTimer {
  cancel: () => void;
}

const defaultRestoreBackoff: BackoffPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  multiplier: 2,
  jitter: 0.2,
};
/** Events kept while the state is being restored; more are dropped (OCR resends what matters). */
const MAX_EARLY_EVENTS = 1_000;
/** Rounds remembered for the round-duration metric. */
const ROUND_STARTS_KEPT = 64;

/**
 * One OCR1 protocol instance (one feed, one config digest): the interpreter between the pure core
 * and the ports. Events are processed one at a time, in arrival order. A step's effects are
 * applied in order; each Persist completes before the next effect, and if one fails the remaining
 * effects are dropped and the instance stops (the feed runner starts a fresh one from the store).
 * Timers are delivered only while still armed; results of work started by a stopped instance are
 * discarded.
 */
export class ProtocolInstance {
  readonly #o: ProtocolInstanceOptions;
  readonly #digest: string;
  readonly #me: number;
  readonly #peerIndex: ReadonlyMap<string, number>;
  #state: OcrState;
  readonly #queue: EventMaker[] = [];
  #draining = false;
  #stopped = false;
  #started = false;
  readonly #timers = new Map<string, ArmedTimer>();
  readonly #roundStarts = new Map<string, number>();
  #lastTransmission: InstanceStatus['lastTransmission'];
  #onChain: (LatestTransmission & { readonly readAtMs: number }) | undefined;

  constructor(options: ProtocolInstanceOptions) {
    this.#o = options;
    this.#digest = options.protocol.configDigest;
    this.#me = options.protocol.oracleId;
    this.#peerIndex = new Map(options.peerIds.map((peerId, i) => [peerId, i]));
    this.#state = initialState(options.protocol);
  }

  get configDigest(): string {
    return this.#digest;
  }

  get running(): boolean {
    return this.#started && !this.#stopped;
  }

  /** Restores this digest's state from the store (retrying while it is unavailable), then starts the core. */
  async start(): Promise<void> {
    const restored = await this.#restore();
    if (!restored || this.#stopped) return;
    // Messages that arrived while restoring wait behind Started.
    this.#queue.unshift((nowMs) => ({ type: 'Started', nowMs, restored }));
    this.#started = true;
    void this.#drain();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    // A stopped instance holds nothing (its successor, if any, starts released).
    if (this.#started) this.#o.metrics.feedGuardTripped.set({ feed: this.#o.feed.name }, 0);
    for (const timer of this.#timers.values()) timer.cancel();
    this.#timers.clear();
    this.#queue.length = 0;
  }

  /** Bytes from the transport for this instance; the sender is the peer the transport authenticated. */
  deliver(fromPeerId: string, payload: Uint8Array): void {
    const from = this.#peerIndex.get(fromPeerId);
    if (from === undefined || from === this.#me) {
      this.#o.metrics.droppedInbound('unknown-sender');
      return;
    }
    const decoded = decodeMessage(payload);
    if (!decoded.ok) {
      this.#o.metrics.droppedInbound('malformed');
      this.#o.logger.debug(
        { peerId: fromPeerId, reason: decoded.error.reason },
        'Dropped a malformed message',
      );
      return;
    }
    const message = decoded.value;
    this.#enqueue((nowMs) => ({ type: 'MessageReceived', nowMs, from, message }));
  }

  status(): InstanceStatus {
    const s = this.#state;
    const { guard, decimals } = this.#o.feed;
    return {
      configDigest: this.#digest,
      oracleId: this.#me,
      n: s.config.n,
      f: s.config.f,
      epoch: s.pacemaker.epoch,
      round: s.reportGeneration.follower.round,
      leader: s.reportGeneration.leader,
      lastReport: s.transmission.latestAccepted,
      lastTransmission: this.#lastTransmission,
      onChain: this.#onChain && {
        ...this.#onChain,
        ...(this.#onChain.timestampMs > 0
          ? { ageSeconds: Math.round((this.#o.ports.clock.nowMs() - this.#onChain.timestampMs) / 1000) }
          : {}),
      },
      ...(guard
        ? { guard: { ...guard, ...(s.guardTrip ? { held: guardHeld(s.guardTrip, guard, decimals) } : {}) } }
        : {}),
    };
  }

  #enqueue(make: EventMaker): void {
    if (this.#stopped || (!this.#started && this.#queue.length >= MAX_EARLY_EVENTS)) return;
    this.#queue.push(make);
    void this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#draining || !this.#started) return;
    this.#draining = true;
    try {
      while (!this.#stopped) {
        const make = this.#queue.shift();
        if (!make) break;
        const event = make(this.#o.ports.clock.nowMs());
        if (event) await this.#step(event);
      }
    } catch (error) {
      this.#fail('the protocol core threw', error);
    } finally {
      this.#draining = false;
    }
  }

  async #step(event: OcrEvent): Promise<void> {
    const before = this.#state;
    const { state, effects } = step(before, event, this.#o.ctx);
    this.#state = state;
    if (state.transmission.latestAccepted !== before.transmission.latestAccepted)
      this.#o.metrics.reports.inc({ feed: this.#o.feed.name });
    this.#updateProgressGauges(before, event);
    this.#onGuardChange(before, event);
    for (const effect of effects) {
      if (this.#stopped) return;
      if (effect.type === 'Persist') {
        const persisted = await this.#persist(effect.record);
        if (!persisted.ok) {
          this.#fail(`could not persist ${effect.record.kind}: ${persisted.error}`);
          return;
        }
      } else {
        this.#apply(effect);
      }
    }
  }

  /** Epoch, round and leader gauges; an epoch change after the start is counted. */
  #updateProgressGauges(before: OcrState, event: OcrEvent): void {
    const { metrics, feed } = this.#o;
    const labels = { feed: feed.name };
    const now = this.#state;
    if (event.type === 'Started' || now.pacemaker.epoch !== before.pacemaker.epoch) {
      metrics.feedEpoch.set(labels, now.pacemaker.epoch);
      if (event.type !== 'Started') metrics.epochChanges.inc(labels);
    }
    if (event.type === 'Started' || now.reportGeneration !== before.reportGeneration) {
      metrics.feedRound.set(labels, now.reportGeneration.follower.round);
      metrics.feedLeader.set(labels, now.reportGeneration.leader);
    }
  }

  /**
   * The guard's gauge (0 from the start, for every feed), and on a change of trip its counter and
   * one log line: a warning when the guard starts holding the feed (or for another reason), info
   * when it lets reports through again. Nothing per round.
   */
  #onGuardChange(before: OcrState, event: OcrEvent): void {
    const { metrics, feed, logger } = this.#o;
    const labels = { feed: feed.name };
    const trip = this.#state.guardTrip;
    const was = before.guardTrip;
    if (event.type === 'Started') metrics.feedGuardTripped.set(labels, trip ? 1 : 0);
    if (trip === was) return;
    metrics.feedGuardTripped.set(labels, trip ? 1 : 0);
    if (trip && trip.reason !== was?.reason) {
      metrics.feedGuardTrips.inc({ ...labels, reason: trip.reason });
      const held = guardHeld(trip, feed.guard ?? {}, feed.decimals);
      logger.warn(
        {
          reason: held.reason,
          median: held.median,
          ...(held.lastAnswer === undefined ? {} : { lastAnswer: held.lastAnswer }),
          detail: held.detail,
        },
        'Feed guard tripped: holding the last on-chain answer until a median passes it again ' +
          '(or an operator widens or removes feeds[].guard and restarts the node)',
      );
    } else if (!trip && was) {
      logger.info(
        { reason: was.reason, heldSeconds: Math.round((event.nowMs - was.sinceMs) / 1000) },
        'Feed guard passes again: reporting resumes',
      );
    }
  }

  #apply(effect: Exclude<Effect, { type: 'Persist' }>): void {
    switch (effect.type) {
      case 'Send':
        return this.#send([effect.to], effect.message);
      case 'Broadcast':
        return this.#send(
          this.#o.peerIds.map((_, i) => i),
          effect.message,
        );
      case 'SetTimer':
        return this.#setTimer(effect.timer, effect.afterMs);
      case 'CancelTimer': {
        const key = timerKey(effect.timer);
        this.#timers.get(key)?.cancel();
        this.#timers.delete(key);
        return;
      }
      case 'RequestObservation':
        return this.#observe(effect.epoch, effect.round);
      case 'ReadChain':
        return this.#readChain(effect.requestId);
      case 'Transmit':
        return this.#transmit(effect);
      case 'Log':
        this.#o.logger[effect.level](effect.fields, effect.msg);
        return;
    }
  }

  /** Encodes once; this node's own copy is delivered back through the queue, never re-entrantly. */
  #send(recipients: readonly number[], message: Message): void {
    let bytes: Uint8Array | undefined;
    for (const to of recipients) {
      if (to === this.#me) {
        const from = this.#me;
        this.#enqueue((nowMs) => ({ type: 'MessageReceived', nowMs, from, message }));
        continue;
      }
      const peerId = this.#o.peerIds[to];
      if (peerId === undefined) continue;
      bytes ??= encodeMessage(message);
      this.#o.ports.transport.send(peerId, this.#digest, bytes);
    }
  }

  #setTimer(timer: Timer, afterMs: number): void {
    const key = timerKey(timer);
    this.#timers.get(key)?.cancel();
    const armed: ArmedTimer = { cancel: () => undefined };
    armed.cancel = this.#o.ports.clock.after(afterMs, () =>
      this.#enqueue((nowMs) => {
        // A fire that was cancelled or replaced while it waited in the queue is dropped.
        if (this.#timers.get(key) !== armed) return undefined;
        this.#timers.delete(key);
        return { type: 'TimerFired', nowMs, timer };
      }),
    );
    this.#timers.set(key, armed);
  }

  #observe(epoch: number, round: number): void {
    const { feed, metrics, ports } = this.#o;
    metrics.rounds.inc({ feed: feed.name });
    this.#roundStarts.set(`${epoch}:${round}`, ports.clock.nowMs());
    if (this.#roundStarts.size > ROUND_STARTS_KEPT)
      this.#roundStarts.delete(this.#roundStarts.keys().next().value as string);
    ports.observer
      .observe({ pair: feed.pair, decimals: feed.decimals })
      .catch(() => undefined)
      .then((value) => {
        metrics.observations.inc({ feed: feed.name, outcome: value === undefined ? 'missing' : 'ok' });
        if (value === undefined) metrics.failures.inc({ kind: 'observation' });
        else metrics.feedObservation.set({ feed: feed.name }, scaledToNumber(value, feed.decimals));
        this.#enqueue((nowMs) => ({
          type: 'ObservationReady',
          nowMs,
          epoch,
          round,
          ...(value === undefined ? {} : { value }),
        }));
      });
  }

  #readChain(requestId: number): void {
    const { feed, ports, metrics, logger } = this.#o;
    const read = ports.chain.latestTransmissionDetails(feed.contract, ports.transmitter.address);
    // Beside it, the latest requestNewRound; without an answer in time the round just has no request.
    const requested = ports.chain.latestRoundRequested
      ? withDeadline(
          ports.chain.latestRoundRequested(feed.contract),
          this.#o.blockchainTimeoutMs,
          ports.clock,
        )
          .then((found) => (found === TIMED_OUT ? undefined : found))
          .catch((error: unknown) => {
            logger.warn({ err: error }, 'Reading RoundRequested logs failed');
            return undefined;
          })
      : Promise.resolve(undefined);
    const latestRead = withDeadline(read, this.#o.blockchainTimeoutMs, ports.clock).catch(
      (error: unknown): typeof TIMED_OUT => {
        logger.warn({ err: error }, 'Reading the contract failed');
        return TIMED_OUT;
      },
    );
    void Promise.all([latestRead, requested]).then(([latest, latestRoundRequested]) => {
      const answer = latest === TIMED_OUT ? 'timeout' : latest;
      metrics.chainReads.inc({ outcome: answer === 'timeout' ? 'timeout' : 'ok' });
      if (answer === 'timeout') metrics.failures.inc({ kind: 'chain-read' });
      else this.#onChainRead(answer);
      this.#enqueue((nowMs) => ({
        type: 'ChainStateRead',
        nowMs,
        requestId,
        latestTransmission: answer,
        ...(latestRoundRequested ? { latestRoundRequested } : {}),
      }));
    });
  }

  /** Remembers the contract's latest transmission; its answer, if there is one yet, goes to the answer gauges. */
  #onChainRead(latest: LatestTransmission): void {
    const { feed, metrics, ports } = this.#o;
    this.#onChain = { ...latest, readAtMs: ports.clock.nowMs() };
    if (latest.timestampMs === 0) return;
    metrics.feedAnswer.set({ feed: feed.name }, scaledToNumber(latest.answer, feed.decimals));
    metrics.feedAnswerTimestamp.set({ feed: feed.name }, latest.timestampMs / 1000);
  }

  #transmit(effect: Extract<Effect, { type: 'Transmit' }>): void {
    const { epoch, round, report } = effect;
    const { feed, ports, metrics } = this.#o;
    const args = toTransmitArgs({ configDigest: this.#digest, epoch, round }, report);
    ports.transmitter
      .transmit({ contract: feed.contract, configDigest: this.#digest, epoch, round, ...args })
      .catch((error: unknown): TransmitOutcome => ({ status: 'failed', error: String(error) }))
      .then((outcome) => {
        const nowMs = ports.clock.nowMs();
        metrics.transmissions.inc({ feed: feed.name, outcome: outcome.status });
        this.#lastTransmission = { epoch, round, outcome, atMs: nowMs };
        const startedMs = this.#roundStarts.get(`${epoch}:${round}`);
        if (outcome.status === 'confirmed' && startedMs !== undefined)
          metrics.roundDuration.observe((nowMs - startedMs) / 1000);
        const ok = outcome.status === 'confirmed';
        const error = describeOutcome(outcome);
        this.#enqueue((now) => ({
          type: 'TransmitResult',
          nowMs: now,
          epoch,
          round,
          ok,
          ...(error === undefined ? {} : { error }),
        }));
      });
  }

  async #persist(record: PersistRecord): Promise<{ ok: true } | { ok: false; error: string }> {
    const { store } = this.#o.ports;
    let result: StoreResult<unknown>;
    switch (record.kind) {
      case 'pacemaker':
        result = await store.savePacemakerState(this.#digest, record.state);
        break;
      case 'highestSigned': {
        const advanced = await store.advanceHighestSigned(this.#digest, record.epochRound);
        if (advanced.ok && !advanced.value)
          return { ok: false, error: 'the store refused to move the signing guard' };
        if (advanced.ok) this.#o.metrics.reportsSigned.inc({ feed: this.#o.feed.name });
        result = advanced;
        break;
      }
      case 'pendingTransmissionStored':
        result = await store.savePendingTransmission(
          serializePendingTransmission(this.#digest, record.transmission),
        );
        break;
      case 'pendingTransmissionDeleted':
        result = await store.deletePendingTransmission(this.#digest, record);
        break;
    }
    if (result.ok) return { ok: true };
    this.#o.metrics.failures.inc({ kind: 'store' });
    return { ok: false, error: result.error.message };
  }

  async #restore(): Promise<RestoredState | undefined> {
    const { store, clock } = this.#o.ports;
    for (let attempt = 0; !this.#stopped; attempt++) {
      const [pacemaker, highestSigned, pending] = await Promise.all([
        store.loadPacemakerState(this.#digest),
        store.highestSigned(this.#digest),
        store.pendingTransmissions(this.#digest),
      ]);
      if (pacemaker.ok && highestSigned.ok && pending.ok) {
        const pendingTransmissions = pending.value.flatMap((row) => {
          const restored = deserializePendingTransmission(row, this.#o.signers);
          if (!restored)
            this.#o.logger.warn(
              { epoch: row.epoch, round: row.round },
              'Dropping an unreadable pending transmission',
            );
          return restored ? [restored] : [];
        });
        return {
          ...(pacemaker.value ? { pacemaker: pacemaker.value } : {}),
          ...(highestSigned.value ? { highestSigned: highestSigned.value } : {}),
          pendingTransmissions,
        };
      }
      this.#o.metrics.failures.inc({ kind: 'store' });
      const delayMs = backoffDelayMs(this.#o.restoreBackoff ?? defaultRestoreBackoff, attempt);
      this.#o.logger.warn({ attempt, delayMs }, 'Cannot restore the protocol state yet; retrying');
      await new Promise<void>((resolve) => clock.after(delayMs, resolve));
    }
    return undefined;
  }

  #fail(reason: string, error?: unknown): void {
    if (this.#stopped) return;
    this.stop();
    this.#o.metrics.failures.inc({ kind: 'instance' });
    this.#o.logger.error({ reason, err: error }, 'Protocol instance stopped');
    this.#o.onFailure(reason);
  }
}

function describeOutcome(outcome: TransmitOutcome): string | undefined {
  switch (outcome.status) {
    case 'confirmed':
      return undefined;
    case 'reverted':
      return `transaction ${outcome.txHash} reverted`;
    case 'skipped':
      return `not sent: ${outcome.reason}`;
    case 'failed':
      return outcome.error;
  }
}
