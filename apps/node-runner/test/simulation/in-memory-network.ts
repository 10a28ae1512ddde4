import type { FakeClock } from './fake-clock.js';
import type { Prng } from './prng.js';

export interface NetworkFaults {
  readonly dropRate: number;
  readonly duplicateRate: number;
  /** Each delivery takes a uniform delay in [minDelayMs, maxDelayMs]; different delays reorder messages. */
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

export const RELIABLE: NetworkFaults = { dropRate: 0, duplicateRate: 0, minDelayMs: 5, maxDelayMs: 40 };

export type Receiver = (from: number, bytes: Uint8Array) => void;

/**
 * Point-to-point byte delivery between simulated nodes: lossy, slow, duplicating, reordering and
 * partitionable as configured. A node's messages to itself are delivered reliably and at once
 * (but not re-entrantly), as a runtime delivers its own broadcasts.
 */
export class InMemoryNetwork {
  private readonly receivers = new Map<number, Receiver>();
  private groups: readonly (readonly number[])[] | undefined;
  delivered = 0;
  dropped = 0;

  constructor(
    private readonly clock: FakeClock,
    private readonly prng: Prng,
    public faults: NetworkFaults = RELIABLE,
  ) {}

  attach(id: number, receiver: Receiver): void {
    this.receivers.set(id, receiver);
  }

  detach(id: number): void {
    this.receivers.delete(id);
  }

  /** Splits the nodes into groups that cannot reach each other; undefined heals the partition. */
  partition(groups: readonly (readonly number[])[] | undefined): void {
    this.groups = groups;
  }

  send(from: number, to: number, bytes: Uint8Array): void {
    if (from === to) {
      this.clock.after(0, () => this.deliver(from, to, bytes));
      return;
    }
    if (!this.connected(from, to) || this.prng.chance(this.faults.dropRate)) {
      this.dropped++;
      return;
    }
    const copies = this.prng.chance(this.faults.duplicateRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.clock.after(this.prng.int(this.faults.minDelayMs, this.faults.maxDelayMs), () => {
        // A partition that starts while a message is in flight cuts it too.
        if (this.connected(from, to)) this.deliver(from, to, bytes);
        else this.dropped++;
      });
    }
  }

  private connected(a: number, b: number): boolean {
    return !this.groups || this.groups.some((g) => g.includes(a) && g.includes(b));
  }

  private deliver(from: number, to: number, bytes: Uint8Array): void {
    const receiver = this.receivers.get(to);
    if (!receiver) return;
    this.delivered++;
    receiver(from, bytes);
  }
}
