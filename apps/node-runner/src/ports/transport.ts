/**
 * How this node talks to the other nodes of its DON. Messages are opaque bytes; each carries a tag
 * naming the protocol instance it belongs to (the runtime uses the feed's config digest), so many
 * feeds share one host and one connection per peer. Delivery is best effort, as OCR expects:
 * a message to a disconnected or slow peer is dropped and counted, never queued without bound.
 */
export interface Transport {
  /** This node's peer id (`12D3KooW…`). */
  readonly peerId: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Queues one message for one peer. Never blocks or throws; false when it was dropped at once. */
  send(peerId: string, tag: string, payload: Uint8Array): boolean;
  /** `send` to every allowed peer except this node (the runtime delivers to itself if it needs to). */
  broadcast(tag: string, payload: Uint8Array): void;
  /** Registers a handler for inbound messages; returns a function that removes it. */
  onMessage(handler: (message: InboundMessage) => void): () => void;
  /**
   * Replaces the allow list: the peer ids of the active contract configurations. Bootstrap peers
   * stay allowed. Connections to peers no longer allowed are closed at once.
   */
  setAllowedPeers(peerIds: readonly string[]): void;
  /** Peers with an open connection right now. */
  connectedPeers(): string[];
}

export interface InboundMessage {
  /** The authenticated sender's peer id. */
  readonly from: string;
  /** The protocol instance the sender chose, e.g. a config digest. */
  readonly tag: string;
  readonly payload: Uint8Array;
}

export type MessageDirection = 'inbound' | 'outbound';

export type DropReason =
  /** Bigger than the frame limit. */
  | 'oversize'
  /** Not a well-formed tagged message. */
  | 'malformed'
  /** The peer sent faster than its message rate limit. */
  | 'rate-limited'
  /** The peer is not (or no longer) in the allow list. */
  | 'not-allowed'
  /** No open connection to the peer. */
  | 'not-connected'
  /** The peer's outbound queue is full (it reads too slowly). */
  | 'queue-full'
  /** Opening a stream or writing to it failed. */
  | 'send-failed';

/** Counters the runtime maps onto its Prometheus metrics. Peer ids are bounded by the DON size. */
export interface TransportMetrics {
  messageSent(peerId: string, bytes: number): void;
  messageReceived(peerId: string, bytes: number): void;
  messageDropped(peerId: string, direction: MessageDirection, reason: DropReason): void;
}

export const noTransportMetrics: TransportMetrics = {
  messageSent: () => undefined,
  messageReceived: () => undefined,
  messageDropped: () => undefined,
};
