import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { InboundMessage } from '../ports/transport.js';

/** Where inbound messages of one config digest go. */
export interface MessageSink {
  deliver(fromPeerId: string, payload: Uint8Array): void;
}

/**
 * Demultiplexes the one transport of a node onto its protocol instances: every message is tagged
 * with the config digest of the instance it belongs to. Messages for a digest this node does not
 * run (yet) are dropped and counted; OCR's resends cover the gap.
 */
export class MessageRouter {
  readonly #sinks = new Map<string, MessageSink>();

  constructor(private readonly metrics: NodeMetrics) {}

  add(configDigest: string, sink: MessageSink): void {
    this.#sinks.set(configDigest.toLowerCase(), sink);
  }

  /** Removes the sink only if it is still the one registered for the digest. */
  remove(configDigest: string, sink: MessageSink): void {
    const key = configDigest.toLowerCase();
    if (this.#sinks.get(key) === sink) this.#sinks.delete(key);
  }

  route(message: InboundMessage): void {
    const sink = this.#sinks.get(message.tag);
    if (sink) sink.deliver(message.from, message.payload);
    else this.metrics.droppedInbound('unknown-instance');
  }
}
