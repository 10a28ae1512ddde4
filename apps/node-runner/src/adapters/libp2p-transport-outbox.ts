import type { Stream } from '@libp2p/interface';
import type { DropReason, TransportMetrics } from '../ports/transport.js';

export interface OutboxOptions {
  readonly peerId: string;
  /** Opens a message stream to the peer; undefined when there is no open connection. */
  readonly openStream: (signal: AbortSignal) => Promise<Stream | undefined>;
  readonly maxQueued: number;
  /** How long a slow peer may keep a write waiting before its stream is reset. */
  readonly writeTimeoutMs: number;
  readonly metrics: TransportMetrics;
}

const FRAME_HEADER_BYTES = 4;

/**
 * The frames waiting for one peer and the one outbound stream they are written to, in order.
 * The stream is opened on first use and again after it fails; a full queue drops new frames.
 */
export class PeerOutbox {
  readonly #options: OutboxOptions;
  #queue: Uint8Array[] = [];
  #stream: Stream | undefined;
  #flushing = false;
  #closed = false;

  constructor(options: OutboxOptions) {
    this.#options = options;
  }

  /** Queues a frame; false (and counted) when the queue is full. */
  enqueue(frame: Uint8Array): boolean {
    if (this.#queue.length >= this.#options.maxQueued) {
      this.#drop('queue-full');
      return false;
    }
    this.#queue.push(frame);
    void this.#flush();
    return true;
  }

  /** Drops what is queued and resets the stream (the peer left the allow list, or the node stops). */
  close(): void {
    this.#closed = true;
    this.#queue = [];
    this.#stream?.abort(new Error('outbox closed'));
    this.#stream = undefined;
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#queue.length > 0) {
        const stream = await this.#writableStream();
        if (typeof stream === 'string') {
          for (const _ of this.#queue.splice(0)) this.#drop(stream);
          return;
        }
        const frame = this.#queue.shift() as Uint8Array;
        try {
          const mayContinue = stream.send(frame);
          this.#options.metrics.messageSent(this.#options.peerId, frame.length - FRAME_HEADER_BYTES);
          if (!mayContinue)
            await stream.onDrain({ signal: AbortSignal.timeout(this.#options.writeTimeoutMs) });
        } catch (error) {
          stream.abort(error instanceof Error ? error : new Error(String(error)));
          this.#stream = undefined;
          this.#drop('send-failed');
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  async #writableStream(): Promise<Stream | DropReason> {
    const current = this.#stream;
    if (current && current.status === 'open' && current.writeStatus === 'writable') return current;
    // A stream no longer fit to write to is reset before its replacement opens, never left behind
    // half open (it would count against the connection's stream limit on both sides).
    current?.abort(new Error('stream no longer writable'));
    this.#stream = undefined;
    try {
      const opened = await this.#options.openStream(AbortSignal.timeout(this.#options.writeTimeoutMs));
      if (!opened) return 'not-connected';
      if (this.#closed) {
        opened.abort(new Error('outbox closed'));
        return 'not-allowed';
      }
      // The receiver never writes on a message stream; a stream it writes to is reset.
      const refuse = (): void => opened.abort(new Error('the receiver wrote to a message stream'));
      opened.addEventListener('message', refuse, { once: true });
      this.#stream = opened;
      return opened;
    } catch {
      return 'send-failed';
    }
  }

  #drop(reason: DropReason): void {
    this.#options.metrics.messageDropped(this.#options.peerId, 'outbound', reason);
  }
}
