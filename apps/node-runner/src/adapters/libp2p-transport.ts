import { isIP } from 'node:net';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import type {
  Connection,
  ConnectionGater,
  Libp2p,
  PeerId,
  PrivateKey,
  Stream,
  StreamMessageEvent,
} from '@libp2p/interface';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import { backoffDelayMs, type BackoffPolicy } from '@oracle/core';
import type { Logger } from '@oracle/logger';
import { createLibp2p } from 'libp2p';
import {
  noTransportMetrics,
  type InboundMessage,
  type Transport,
  type TransportMetrics,
} from '../ports/transport.js';
import { decodeMessage, encodeFrame, encodeMessage, FrameDecoder } from './libp2p-transport-framing.js';
import { nodeNoiseCrypto } from './libp2p-noise-crypto.js';
import { PeerOutbox } from './libp2p-transport-outbox.js';
import {
  answerPeerExchange,
  decodePeerRecords,
  finishStream,
  PEER_EXCHANGE_PROTOCOL,
  readOneFrame,
  type PeerRecordEntry,
} from './libp2p-transport-peer-exchange.js';
import { TokenBucket } from './libp2p-transport-rate-limit.js';

/** The protocol carrying framed, tagged messages (one long-lived stream per peer and direction). */
export const MESSAGE_PROTOCOL = '/sp-oracle/messages/1.0.0';

/**
 * Message streams libp2p lets one connection hold at a time, per direction. A peer writes to one
 * stream at a time and a newer stream from it replaces the older one here, so a few are enough for
 * the handover; a stream past the limit is refused by libp2p before this transport sees it.
 */
const MAX_MESSAGE_STREAMS = 4;
/** Peer-exchange streams at a time per connection and direction (each carries one answer). */
const MAX_PEER_EXCHANGE_STREAMS = 4;

export interface BootstrapPeer {
  readonly peerId: string;
  readonly host: string;
  readonly port: number;
}

export interface TransportLimits {
  /** Largest message (tag + payload + 1 byte) sent or accepted; a bigger inbound frame resets the stream. */
  readonly maxMessageBytes: number;
  /** Inbound messages per second accepted from one peer, with `messageBurst` saved up. */
  readonly maxMessagesPerSecond: number;
  readonly messageBurst: number;
  /** Messages waiting for one peer before new ones are dropped. */
  readonly maxQueuedMessages: number;
  /**
   * Opening a stream, dialling, a blocked write and a peer-exchange request each get this long; an
   * inbound message stream must carry its first message within it, or it is reset.
   */
  readonly ioTimeoutMs: number;
}

export const defaultTransportLimits: TransportLimits = {
  maxMessageBytes: 64 * 1024,
  maxMessagesPerSecond: 500,
  messageBurst: 1_000,
  maxQueuedMessages: 256,
  ioTimeoutMs: 5_000,
};

export interface Libp2pTransportOptions {
  /** The node's Ed25519 P2P key (see keys/p2p-key.ts). */
  readonly privateKey: PrivateKey;
  readonly listenPort: number;
  /** 127.0.0.1 unless the DON spans hosts. */
  readonly listenHost?: string;
  /** Rendezvous nodes: always allowed, always kept connected, asked for the other peers' addresses. */
  readonly bootstrapPeers: readonly BootstrapPeer[];
  readonly limits?: Partial<TransportLimits>;
  /** How often missing peers are dialled and bootstrap peers asked for addresses. */
  readonly reconcileIntervalMs?: number;
  /** Delay between failed dials of one peer. */
  readonly redialBackoff?: BackoffPolicy;
  readonly metrics?: TransportMetrics;
  readonly logger: Logger;
}

const defaultRedialBackoff: BackoffPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 15_000,
  multiplier: 2,
  jitter: 0.2,
};

interface RedialState {
  failures: number;
  notBeforeMs: number;
}

/**
 * The Transport over libp2p: TCP, Noise, Yamux, identify. A connection gater admits only peers on
 * the allow list (the active configs' peer ids plus the bootstrap peers), inbound and outbound,
 * checked again per stream and per message. Every `reconcileIntervalMs` the node dials allowed
 * peers it is not connected to (with per-peer backoff) and, while any is missing, asks its
 * bootstrap peers for signed address records (libp2p-transport-peer-exchange.ts).
 */
export class Libp2pTransport implements Transport {
  readonly peerId: string;
  readonly #options: Libp2pTransportOptions;
  readonly #limits: TransportLimits;
  readonly #metrics: TransportMetrics;
  readonly #log: Logger;
  readonly #bootstrap: ReadonlyMap<string, BootstrapPeer>;
  #allowed = new Set<string>();
  readonly #handlers = new Set<(message: InboundMessage) => void>();
  readonly #outboxes = new Map<string, PeerOutbox>();
  /** Each peer's newest inbound message stream: the one it writes to. */
  readonly #inbound = new Map<string, Stream>();
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #redial = new Map<string, RedialState>();
  #node: Libp2p | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Aborted by stop(), so dials and peer exchanges in flight end at once. */
  #running = new AbortController();
  #reconciling: Promise<void> | undefined;

  constructor(options: Libp2pTransportOptions) {
    this.#options = options;
    this.peerId = peerIdFromPrivateKey(options.privateKey).toString();
    this.#limits = { ...defaultTransportLimits, ...options.limits };
    this.#metrics = options.metrics ?? noTransportMetrics;
    this.#log = options.logger.child({ component: 'p2p' });
    this.#bootstrap = new Map(
      options.bootstrapPeers.filter((b) => b.peerId !== this.peerId).map((b) => [b.peerId, b]),
    );
  }

  async start(): Promise<void> {
    if (this.#node) return;
    const host = this.#options.listenHost ?? '127.0.0.1';
    const node = await createLibp2p({
      start: false,
      privateKey: this.#options.privateKey,
      addresses: { listen: [`${ipPrefix(host)}/${host}/tcp/${this.#options.listenPort}`] },
      transports: [tcp()],
      connectionEncrypters: [noise({ crypto: nodeNoiseCrypto })],
      streamMuxers: [yamux()],
      services: { identify: identify() },
      connectionGater: this.#gater(),
      connectionManager: {
        // Every node of the all-in-one container dials from 127.0.0.1: libp2p's default of
        // 5 inbound connections per second per host would refuse the mesh.
        inboundConnectionThreshold: 1_000,
        maxIncomingPendingConnections: 64,
        maxConnections: 128,
        dialTimeout: this.#limits.ioTimeoutMs,
      },
    });
    await node.handle(MESSAGE_PROTOCOL, (stream, connection) => this.#acceptMessages(stream, connection), {
      maxInboundStreams: MAX_MESSAGE_STREAMS,
      maxOutboundStreams: MAX_MESSAGE_STREAMS,
    });
    await node.handle(
      PEER_EXCHANGE_PROTOCOL,
      (stream, connection) =>
        answerPeerExchange(
          stream,
          connection,
          (requester) => this.#recordsFor(node, requester),
          this.#ioSignal(),
        ).catch((error: unknown) =>
          this.#log.debug(
            { peerId: connection.remotePeer.toString(), err: error },
            'Peer exchange answer failed',
          ),
        ),
      { maxInboundStreams: MAX_PEER_EXCHANGE_STREAMS, maxOutboundStreams: MAX_PEER_EXCHANGE_STREAMS },
    );
    for (const peer of this.#bootstrap.values()) {
      await node.peerStore.merge(peerIdFromString(peer.peerId), {
        multiaddrs: [multiaddr(`${ipPrefix(peer.host)}/${peer.host}/tcp/${peer.port}`)],
      });
    }
    node.addEventListener('peer:connect', (event) => {
      const peerId = event.detail.toString();
      this.#redial.delete(peerId);
      this.#log.info({ peerId }, 'Peer connected');
    });
    node.addEventListener('peer:disconnect', (event) =>
      this.#log.info({ peerId: event.detail.toString() }, 'Peer disconnected'),
    );
    await node.start();
    this.#node = node;
    this.#log.info(
      {
        peerId: this.peerId,
        addresses: node.getMultiaddrs().map(String),
        bootstrapPeers: [...this.#bootstrap.keys()],
      },
      'P2P transport listening',
    );
    this.#running = new AbortController();
    this.#timer = setInterval(() => void this.#reconcile(), this.#options.reconcileIntervalMs ?? 5_000);
    void this.#reconcile();
  }

  async stop(): Promise<void> {
    const node = this.#node;
    if (!node) return;
    clearInterval(this.#timer);
    this.#running.abort();
    this.#node = undefined;
    for (const outbox of this.#outboxes.values()) outbox.close();
    this.#outboxes.clear();
    for (const stream of this.#inbound.values()) stream.abort(new Error('transport stopped'));
    this.#inbound.clear();
    await this.#reconciling;
    await node.stop();
    this.#log.info('P2P transport stopped');
  }

  send(peerId: string, tag: string, payload: Uint8Array): boolean {
    if (peerId === this.peerId || !this.#isAllowed(peerId)) return this.#dropOutbound(peerId, 'not-allowed');
    const body = encodeMessage(tag, payload);
    if (!body) return this.#dropOutbound(peerId, 'malformed');
    if (body.length > this.#limits.maxMessageBytes) return this.#dropOutbound(peerId, 'oversize');
    const node = this.#node;
    if (!node || node.getConnections(peerIdFromString(peerId)).length === 0)
      return this.#dropOutbound(peerId, 'not-connected');
    return this.#outbox(node, peerId).enqueue(encodeFrame(body));
  }

  broadcast(tag: string, payload: Uint8Array): void {
    for (const peerId of this.#allowed) {
      if (peerId !== this.peerId) this.send(peerId, tag, payload);
    }
  }

  onMessage(handler: (message: InboundMessage) => void): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  setAllowedPeers(peerIds: readonly string[]): void {
    const next = new Set<string>();
    for (const peerId of peerIds) {
      if (isPeerIdString(peerId)) next.add(peerId);
      else this.#log.warn({ peerId }, 'Ignoring an invalid peer id in the allow list');
    }
    const removed = [...this.#allowed].filter((peerId) => !next.has(peerId) && !this.#bootstrap.has(peerId));
    this.#allowed = next;
    for (const peerId of removed) {
      this.#outboxes.get(peerId)?.close();
      this.#outboxes.delete(peerId);
      this.#inbound.get(peerId)?.abort(new Error('peer no longer allowed'));
      this.#inbound.delete(peerId);
      this.#buckets.delete(peerId);
      this.#redial.delete(peerId);
      this.#node
        ?.hangUp(peerIdFromString(peerId))
        .catch((error: unknown) =>
          this.#log.debug({ peerId, err: error }, 'Closing the connection to a removed peer failed'),
        );
    }
    this.#log.info({ allowed: next.size, removed: removed.length }, 'Allow list updated');
    if (this.#node) void this.#reconcile();
  }

  connectedPeers(): string[] {
    return this.#node?.getPeers().map(String) ?? [];
  }

  #ioSignal(): AbortSignal {
    return AbortSignal.any([this.#running.signal, AbortSignal.timeout(this.#limits.ioTimeoutMs)]);
  }

  #isAllowed(peerId: string): boolean {
    return this.#allowed.has(peerId) || this.#bootstrap.has(peerId);
  }

  #gater(): ConnectionGater {
    const deny = (peerId: PeerId): boolean => {
      const denied = !this.#isAllowed(peerId.toString());
      if (denied)
        this.#log.debug(
          { peerId: peerId.toString() },
          'Refused a connection with a peer not on the allow list',
        );
      return denied;
    };
    return {
      denyDialPeer: deny,
      denyInboundEncryptedConnection: deny,
      denyOutboundEncryptedConnection: deny,
    };
  }

  /**
   * One inbound message stream, read until it ends. Every way it can end leaves it closed or reset,
   * so a peer cannot wedge the connection by opening streams and abandoning them: a newer stream
   * from the same peer resets the older one (a peer writes to one stream at a time); a stream with
   * no complete message within ioTimeoutMs is reset; a stream the peer half-closes is closed on
   * this side as well, after what it carried is delivered; an oversize frame resets it.
   */
  #acceptMessages(stream: Stream, connection: Connection): void {
    const from = connection.remotePeer.toString();
    if (!this.#isAllowed(from)) {
      stream.abort(new Error('peer not allowed'));
      return;
    }
    const previous = this.#inbound.get(from);
    this.#inbound.set(from, stream);
    previous?.abort(new Error('replaced by a newer stream from the peer'));

    const decoder = new FrameDecoder(this.#limits.maxMessageBytes);
    let firstMessage: NodeJS.Timeout | undefined = setTimeout(() => {
      this.#log.debug({ peerId: from }, 'Inbound stream sent no message in time; resetting it');
      stream.abort(new Error('no message before the deadline'));
    }, this.#limits.ioTimeoutMs);
    const onMessage = (event: StreamMessageEvent): void => {
      const frames = decoder.push(event.data instanceof Uint8Array ? event.data : event.data.subarray());
      if (frames === 'oversize') {
        this.#metrics.messageDropped(from, 'inbound', 'oversize');
        this.#log.warn({ peerId: from }, 'Peer sent a frame over the size limit; resetting its stream');
        stream.abort(new Error('frame over the size limit'));
        return;
      }
      if (frames.length > 0) {
        clearTimeout(firstMessage);
        firstMessage = undefined;
      }
      for (const body of frames) this.#deliver(from, body);
    };
    const onRemoteCloseWrite = (): void => {
      // The peer sends nothing more: what it sent was delivered (messages come before this event).
      if (decoder.buffered > 0) this.#metrics.messageDropped(from, 'inbound', 'malformed');
      stream.close({ signal: AbortSignal.timeout(this.#limits.ioTimeoutMs) }).catch((error: unknown) => {
        stream.abort(error instanceof Error ? error : new Error(String(error)));
      });
    };
    const onClose = (): void => {
      clearTimeout(firstMessage);
      stream.removeEventListener('message', onMessage);
      stream.removeEventListener('remoteCloseWrite', onRemoteCloseWrite);
      if (this.#inbound.get(from) === stream) this.#inbound.delete(from);
    };
    stream.addEventListener('message', onMessage);
    stream.addEventListener('remoteCloseWrite', onRemoteCloseWrite);
    stream.addEventListener('close', onClose);
    // It may have ended before the listeners were added (they only see what comes next).
    if (stream.status !== 'open') onClose();
    else if (stream.remoteWriteStatus === 'closed') onRemoteCloseWrite();
  }

  #deliver(from: string, body: Uint8Array): void {
    if (!this.#isAllowed(from)) return this.#metrics.messageDropped(from, 'inbound', 'not-allowed');
    if (!this.#bucket(from).take()) return this.#metrics.messageDropped(from, 'inbound', 'rate-limited');
    const message = decodeMessage(body);
    if (!message) return this.#metrics.messageDropped(from, 'inbound', 'malformed');
    this.#metrics.messageReceived(from, body.length);
    for (const handler of this.#handlers) {
      // A handler that throws must not reach libp2p's event dispatch (an uncaught exception).
      try {
        handler({ from, tag: message.tag, payload: message.payload });
      } catch (error) {
        this.#log.error({ peerId: from, tag: message.tag, err: error }, 'A message handler threw');
      }
    }
  }

  #bucket(peerId: string): TokenBucket {
    let bucket = this.#buckets.get(peerId);
    if (!bucket) {
      bucket = new TokenBucket(this.#limits.maxMessagesPerSecond, this.#limits.messageBurst);
      this.#buckets.set(peerId, bucket);
    }
    return bucket;
  }

  #outbox(node: Libp2p, peerId: string): PeerOutbox {
    let outbox = this.#outboxes.get(peerId);
    if (!outbox) {
      const remote = peerIdFromString(peerId);
      outbox = new PeerOutbox({
        peerId,
        openStream: async (signal) => {
          const connection = node.getConnections(remote).find((c) => c.status === 'open');
          return connection?.newStream(MESSAGE_PROTOCOL, { signal });
        },
        maxQueued: this.#limits.maxQueuedMessages,
        writeTimeoutMs: this.#limits.ioTimeoutMs,
        metrics: this.#metrics,
      });
      this.#outboxes.set(peerId, outbox);
    }
    return outbox;
  }

  #dropOutbound(peerId: string, reason: 'not-allowed' | 'malformed' | 'oversize' | 'not-connected'): false {
    this.#metrics.messageDropped(peerId, 'outbound', reason);
    return false;
  }

  /** One reconciliation at a time; a tick that finds one running skips. */
  #reconcile(): Promise<void> {
    const node = this.#node;
    if (!node || this.#reconciling) return this.#reconciling ?? Promise.resolve();
    this.#reconciling = this.#reconcileOnce(node)
      .catch((error: unknown) => this.#log.error({ err: error }, 'P2P reconciliation failed'))
      .finally(() => {
        this.#reconciling = undefined;
      });
    return this.#reconciling;
  }

  async #reconcileOnce(node: Libp2p): Promise<void> {
    const connected = new Set(node.getPeers().map(String));
    const missing = (ids: Iterable<string>): string[] =>
      [...ids].filter((id) => id !== this.peerId && !connected.has(id));
    const missingPeers = missing(this.#allowed);
    if (missingPeers.length > 0) {
      const reachableBootstraps = [...this.#bootstrap.keys()].filter((id) => connected.has(id));
      await Promise.all(reachableBootstraps.map((id) => this.#learnAddresses(node, id)));
    }
    await Promise.all(
      missing(new Set([...this.#bootstrap.keys(), ...missingPeers])).map((id) => this.#dial(node, id)),
    );
  }

  /** Asks one bootstrap peer for signed address records and stores those of allowed peers. */
  async #learnAddresses(node: Libp2p, bootstrapPeerId: string): Promise<void> {
    const signal = this.#ioSignal();
    let stream: Stream | undefined;
    try {
      stream = await node.dialProtocol(peerIdFromString(bootstrapPeerId), PEER_EXCHANGE_PROTOCOL, {
        signal,
      });
      const answer = await readOneFrame(stream, this.#limits.maxMessageBytes, signal);
      // The answer is in: close this side too (the answerer closes its own), so the stream ends.
      await finishStream(stream, signal);
      const entries = decodePeerRecords(answer);
      if (!entries) {
        this.#log.warn({ peerId: bootstrapPeerId }, 'Bootstrap peer sent a malformed peer list');
        return;
      }
      const connected = new Set(node.getPeers().map(String));
      for (const entry of entries) {
        // Only addresses of allowed peers still missing are needed (checking a record costs a signature).
        if (entry.peerId === this.peerId || !this.#allowed.has(entry.peerId) || connected.has(entry.peerId))
          continue;
        const stored = await node.peerStore
          .consumePeerRecord(entry.record, { expectedPeer: peerIdFromString(entry.peerId), signal })
          .catch(() => false);
        if (stored) this.#log.debug({ peerId: entry.peerId, via: bootstrapPeerId }, 'Learned peer addresses');
      }
    } catch (error) {
      stream?.abort(error instanceof Error ? error : new Error(String(error)));
      this.#log.debug({ peerId: bootstrapPeerId, err: error }, 'Peer exchange with a bootstrap peer failed');
    }
  }

  async #dial(node: Libp2p, peerId: string): Promise<void> {
    const state = this.#redial.get(peerId) ?? { failures: 0, notBeforeMs: 0 };
    if (Date.now() < state.notBeforeMs) return;
    const remote = peerIdFromString(peerId);
    if (!(await node.peerStore.has(remote))) return;
    try {
      await node.dial(remote, { signal: this.#ioSignal() });
      this.#redial.delete(peerId);
    } catch (error) {
      state.failures += 1;
      state.notBeforeMs =
        Date.now() + backoffDelayMs(this.#options.redialBackoff ?? defaultRedialBackoff, state.failures - 1);
      this.#redial.set(peerId, state);
      this.#log.debug({ peerId, failures: state.failures, err: error }, 'Dial failed; will retry');
    }
  }

  async #recordsFor(node: Libp2p, requester: string): Promise<PeerRecordEntry[]> {
    const entries: PeerRecordEntry[] = [];
    for (const remote of node.getPeers()) {
      const peerId = remote.toString();
      if (peerId === requester || !this.#isAllowed(peerId)) continue;
      const peer = await node.peerStore.get(remote).catch(() => undefined);
      if (peer?.peerRecordEnvelope) entries.push({ peerId, record: peer.peerRecordEnvelope });
    }
    return entries;
  }
}

function ipPrefix(host: string): string {
  switch (isIP(host)) {
    case 4:
      return '/ip4';
    case 6:
      return '/ip6';
    default:
      return '/dns';
  }
}

function isPeerIdString(peerId: string): boolean {
  try {
    peerIdFromString(peerId);
    return true;
  } catch {
    return false;
  }
}
