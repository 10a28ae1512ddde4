import {
  decodeMessage,
  encodeMessage,
  initialState,
  step,
  timerKey,
  type Effect,
  type Message,
  type OcrContext,
  type OcrEvent,
  type OcrState,
  type ProtocolConfig,
} from '../../src/ocr/index.js';
import type { FakeChain } from './fake-chain.js';
import type { FakeClock, Scheduled } from './fake-clock.js';
import type { InMemoryNetwork } from './in-memory-network.js';
import type { PriceFeed } from './price-feed.js';
import type { Prng } from './prng.js';
import type { Recorder } from './recorder.js';
import type { SimStore } from './sim-store.js';

/** How fast and how reliably the simulated outside world answers a node. */
export interface RuntimeTiming {
  readonly observationMs: readonly [number, number];
  readonly chainReadMs: readonly [number, number];
  readonly chainReadTimeoutRate: number;
  readonly blockchainTimeoutMs: number;
  readonly transmitMs: readonly [number, number];
}

export interface NodeEnv {
  readonly clock: FakeClock;
  readonly network: InMemoryNetwork;
  readonly chain: FakeChain;
  readonly price: PriceFeed;
  readonly recorder: Recorder;
  readonly timing: RuntimeTiming;
}

/** How a byzantine node departs from the protocol; an honest node has none. */
export interface Behaviour {
  /** Replaces what the data source said. */
  observe?(value: bigint | undefined): bigint | undefined;
  /** Turns one outgoing message into what actually goes on the wire, per recipient. */
  outgoing?(
    node: SimNode,
    recipients: readonly number[],
    message: Message,
  ): { to: number; bytes: Uint8Array }[];
  /** Sees every decoded incoming message before the core does. */
  incoming?(node: SimNode, from: number, message: Message): void;
}

/**
 * One simulated oracle: the pure core plus a small interpreter for its effects, the way the real
 * runtime runs them (effects in order, Persist completed first, own broadcasts delivered back).
 * A crash drops everything in memory; a restart rebuilds the state from the store.
 */
export class SimNode {
  private state: OcrState | undefined;
  private generation = 0;
  private readonly timers = new Map<string, Scheduled>();

  constructor(
    readonly id: number,
    readonly config: ProtocolConfig,
    readonly ctx: OcrContext,
    readonly store: SimStore,
    private readonly env: NodeEnv,
    readonly prng: Prng,
    readonly behaviour: Behaviour | undefined,
  ) {}

  get honest(): boolean {
    return this.behaviour === undefined;
  }

  get running(): boolean {
    return this.state !== undefined;
  }

  /** The current state, for adversaries that want to peek. */
  get current(): OcrState | undefined {
    return this.state;
  }

  start(): void {
    this.generation++;
    this.state = initialState(this.config);
    this.env.network.attach(this.id, (from, bytes) => this.receive(from, bytes));
    this.handle({ type: 'Started', nowMs: this.env.clock.nowMs, restored: this.store.restore() });
  }

  crash(): void {
    this.generation++;
    this.state = undefined;
    this.env.network.detach(this.id);
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
  }

  /** Puts raw bytes on the wire after a delay (for adversaries). */
  sendLater(to: number, bytes: Uint8Array, delayMs: number): void {
    this.later(delayMs, () => this.env.network.send(this.id, to, bytes));
  }

  private receive(from: number, bytes: Uint8Array): void {
    const decoded = decodeMessage(bytes);
    if (!decoded.ok) {
      this.env.recorder.malformedReceived++;
      return;
    }
    this.behaviour?.incoming?.(this, from, decoded.value);
    this.handle({ type: 'MessageReceived', nowMs: this.env.clock.nowMs, from, message: decoded.value });
  }

  private handle(event: OcrEvent): void {
    if (!this.state) return;
    const result = step(this.state, event, this.ctx);
    this.env.recorder.steps++;
    this.state = result.state;
    for (const effect of result.effects) this.apply(effect);
  }

  /** Runs `fn` later unless the node crashed in between. */
  private later(delayMs: number, fn: () => void): Scheduled {
    const generation = this.generation;
    return this.env.clock.after(delayMs, () => {
      if (generation === this.generation) fn();
    });
  }

  private between([min, max]: readonly [number, number]): number {
    return this.prng.int(min, max);
  }

  private apply(effect: Effect): void {
    const { clock, chain, recorder, timing } = this.env;
    switch (effect.type) {
      case 'Send':
        return this.send([effect.to], effect.message);
      case 'Broadcast':
        return this.send(
          Array.from({ length: this.config.n }, (_, i) => i),
          effect.message,
        );
      case 'SetTimer': {
        const key = timerKey(effect.timer);
        this.timers.get(key)?.cancel();
        const timer = effect.timer;
        this.timers.set(
          key,
          this.later(effect.afterMs, () => {
            this.timers.delete(key);
            this.handle({ type: 'TimerFired', nowMs: clock.nowMs, timer });
          }),
        );
        return;
      }
      case 'CancelTimer': {
        const key = timerKey(effect.timer);
        this.timers.get(key)?.cancel();
        this.timers.delete(key);
        return;
      }
      case 'RequestObservation': {
        const { epoch, round } = effect;
        this.later(this.between(timing.observationMs), () => {
          const observed = this.env.price.observe(clock.nowMs, this.prng);
          const value = this.behaviour?.observe ? this.behaviour.observe(observed) : observed;
          if (this.honest && value !== undefined) recorder.honestObservation(epoch, round, value);
          this.handle({
            type: 'ObservationReady',
            nowMs: clock.nowMs,
            epoch,
            round,
            ...(value === undefined ? {} : { value }),
          });
        });
        return;
      }
      case 'ReadChain': {
        const { requestId } = effect;
        if (this.prng.chance(timing.chainReadTimeoutRate)) {
          this.later(timing.blockchainTimeoutMs, () =>
            this.handle({
              type: 'ChainStateRead',
              nowMs: clock.nowMs,
              requestId,
              latestTransmission: 'timeout',
            }),
          );
          return;
        }
        this.later(this.between(timing.chainReadMs), () =>
          this.handle({
            type: 'ChainStateRead',
            nowMs: clock.nowMs,
            requestId,
            latestTransmission: chain.latestTransmission(),
          }),
        );
        return;
      }
      case 'Transmit': {
        const { epoch, round, median, report } = effect;
        const call = {
          transmitter: this.id,
          configDigest: this.config.configDigest,
          epoch,
          round,
          observations: report.observations,
          signatures: report.signatures.map((s) => s.signature),
        };
        const generation = this.generation;
        // The transaction is on its way: it lands even if the node crashes meanwhile.
        clock.after(this.between(timing.transmitMs), () => {
          const outcome = chain.transmit(call, clock.nowMs);
          recorder.transmits.push({ node: this.id, honest: this.honest, epoch, round, median, outcome });
          if (generation !== this.generation) return;
          const error = outcome.ok ? {} : { error: outcome.reason };
          this.handle({ type: 'TransmitResult', nowMs: clock.nowMs, epoch, round, ok: outcome.ok, ...error });
        });
        return;
      }
      case 'Persist':
        return this.store.apply(effect.record);
      case 'Log':
        recorder.log(effect.level, effect.msg, this.honest, this.id);
        return;
    }
  }

  private send(recipients: readonly number[], message: Message): void {
    let deliveries: { to: number; bytes: Uint8Array }[];
    if (this.behaviour?.outgoing) deliveries = this.behaviour.outgoing(this, recipients, message);
    else {
      const bytes = encodeMessage(message);
      deliveries = recipients.map((to) => ({ to, bytes }));
    }
    for (const { to, bytes } of deliveries) this.env.network.send(this.id, to, bytes);
  }
}
