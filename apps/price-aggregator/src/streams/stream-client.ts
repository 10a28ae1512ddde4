/**
 * One WebSocket stream of one source. Connects (after `negotiate` when the source needs it),
 * subscribes its pairs in chunks, pings every heartbeat period and declares the socket dead after
 * two silent periods, and reconnects forever with capped exponential backoff, resubscribing
 * everything. Garbage frames are reported and dropped; they never close the stream.
 */
import { backoffDelayMs, type BackoffPolicy, type Result } from '@oracle/core';
import type { Logger } from '@oracle/logger';
import WebSocket, { type RawData } from 'ws';
import {
  pairKey,
  type Pair,
  type SourceContext,
  type SourceError,
  type SourcePrice,
  type StreamSourceDefinition,
} from '../sources/price-source.js';

export interface StreamClientEvents {
  prices(prices: readonly SourcePrice[]): void;
  /** A garbage frame, an error message from the exchange, or a failed negotiation. */
  error(error: SourceError): void;
  frame(): void;
  connection(open: boolean): void;
  reconnecting(attempt: number, delayMs: number): void;
}

export interface StreamClientOptions {
  readonly definition: StreamSourceDefinition;
  /** `sources.<id>.wsUrl` when configured. */
  readonly configuredWsUrl: string | undefined;
  readonly context: SourceContext;
  readonly heartbeatIntervalMs: number;
  readonly reconnect: BackoffPolicy;
  /** Performs the definition's `negotiate` request against the REST host. */
  readonly negotiate?: () => Promise<Result<unknown, SourceError>>;
  readonly events: StreamClientEvents;
  readonly logger: Logger;
}

/** Pair changes within this window go out as one resubscription. */
const SUBSCRIBE_DEBOUNCE_MS = 50;

export class StreamClient {
  private readonly pairs = new Map<string, Pair>();
  /** Pairs subscribed on the current socket. */
  private readonly subscribed = new Map<string, Pair>();
  private socket: WebSocket | undefined;
  /** The base URL (configured, default or negotiated) and the URL the current socket was opened with. */
  private endpoint: { readonly baseUrl: string; readonly url: string } | undefined;
  private connecting = false;
  private stopped = false;
  private attempt = 0;
  private lastSeenMs = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private syncTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: StreamClientOptions) {}

  get id(): string {
    return this.options.definition.id;
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  add(pairs: readonly Pair[]): void {
    for (const pair of pairs) this.pairs.set(pairKey(pair), pair);
    this.scheduleSync();
  }

  remove(pairs: readonly Pair[]): void {
    for (const pair of pairs) this.pairs.delete(pairKey(pair));
    this.scheduleSync();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.syncTimer);
    clearInterval(this.heartbeatTimer);
    this.socket?.terminate();
    this.socket = undefined;
  }

  private scheduleSync(): void {
    if (this.stopped || this.syncTimer) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.sync();
    }, SUBSCRIBE_DEBOUNCE_MS);
  }

  /** Brings the socket in line with the wanted pairs. */
  private sync(): void {
    if (this.pairs.size === 0) {
      if (this.socket)
        this.options.logger.info({ source: this.id }, 'No pairs left to stream; closing the stream');
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      this.socket?.close();
      return;
    }
    if (!this.socket) {
      if (!this.connecting && !this.reconnectTimer) void this.connect();
      return;
    }
    if (!this.isOpen) return; // the open handler subscribes everything
    const { definition } = this.options;
    if (definition.connectUrl && this.endpoint) {
      const wanted = definition.connectUrl(
        this.endpoint.baseUrl,
        [...this.pairs.values()],
        this.options.context,
      );
      if (wanted !== this.endpoint.url) {
        // The subscription is part of the URL: reconnect with the new set.
        this.socket.close();
        return;
      }
    }
    const added = [...this.pairs].filter(([k]) => !this.subscribed.has(k)).map(([, p]) => p);
    const removed = [...this.subscribed].filter(([k]) => !this.pairs.has(k)).map(([, p]) => p);
    this.send(
      chunks(removed, definition.maxPairsPerMessage).flatMap((c) =>
        definition.unsubscribeMessages(c, this.options.context),
      ),
    );
    this.send(
      chunks(added, definition.maxPairsPerMessage).flatMap((c) =>
        definition.subscribeMessages(c, this.options.context),
      ),
    );
    for (const p of removed) this.subscribed.delete(pairKey(p));
    for (const p of added) this.subscribed.set(pairKey(p), p);
  }

  private async connect(): Promise<void> {
    this.connecting = true;
    try {
      const endpoint = await this.resolveEndpoint();
      if (this.stopped || this.pairs.size === 0) return;
      if (endpoint === undefined) {
        this.scheduleReconnect();
        return;
      }
      this.endpoint = endpoint;
      this.open(endpoint.url);
    } finally {
      this.connecting = false;
    }
  }

  /** Where to connect now: negotiated first when the source needs it, with the pairs in the URL when it wants them there. */
  private async resolveEndpoint(): Promise<{ baseUrl: string; url: string } | undefined> {
    const { definition, configuredWsUrl, context } = this.options;
    let baseUrl = configuredWsUrl ?? definition.defaultWsUrl;
    if (definition.negotiate && this.options.negotiate) {
      const negotiated = await this.options.negotiate();
      if (!negotiated.ok) {
        this.options.events.error(negotiated.error);
        return undefined;
      }
      try {
        baseUrl = definition.negotiate.connectUrl(negotiated.value, configuredWsUrl);
      } catch (error) {
        this.options.events.error({
          kind: 'schema',
          message: `${this.id}: negotiation answer unusable: ${(error as Error).message}`,
        });
        return undefined;
      }
    }
    const url = definition.connectUrl
      ? definition.connectUrl(baseUrl, [...this.pairs.values()], context)
      : baseUrl;
    return { baseUrl, url };
  }

  private open(url: string): void {
    const { logger, events, heartbeatIntervalMs } = this.options;
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, { handshakeTimeout: 2 * heartbeatIntervalMs });
    } catch (error) {
      events.error({
        kind: 'network',
        message: `${this.id}: cannot open stream: ${(error as Error).message}`,
      });
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    let opened = false;
    let sawFrame = false;
    socket.on('open', () => {
      opened = true;
      logger.info({ source: this.id, pairs: this.pairs.size }, 'Stream connected');
      events.connection(true);
      this.lastSeenMs = Date.now();
      this.subscribed.clear();
      const { definition, context } = this.options;
      const pairs = [...this.pairs.values()];
      this.send(
        chunks(pairs, definition.maxPairsPerMessage).flatMap((c) => definition.subscribeMessages(c, context)),
      );
      for (const p of pairs) this.subscribed.set(pairKey(p), p);
      this.heartbeatTimer = setInterval(() => this.heartbeat(socket), heartbeatIntervalMs);
    });
    socket.on('message', (data: RawData) => {
      this.lastSeenMs = Date.now();
      if (!sawFrame) {
        sawFrame = true;
        this.attempt = 0; // the exchange talks to us: the next outage starts its backoff afresh
      }
      events.frame();
      this.handle(rawText(data));
    });
    socket.on('pong', () => {
      this.lastSeenMs = Date.now();
    });
    socket.on('error', (error) => logger.debug({ source: this.id, err: error }, 'Stream socket error'));
    socket.on('close', (code) => {
      clearInterval(this.heartbeatTimer);
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.subscribed.clear();
      if (opened) events.connection(false);
      if (this.stopped || this.pairs.size === 0) return;
      logger.warn({ source: this.id, code, opened }, 'Stream closed; reconnecting');
      this.scheduleReconnect();
    });
  }

  private handle(text: string): void {
    const { definition, events } = this.options;
    let event: ReturnType<StreamSourceDefinition['parseMessage']>;
    try {
      event = definition.parseMessage(text, Date.now());
    } catch (error) {
      event = {
        type: 'error',
        error: {
          kind: 'bad_json',
          message: `${this.id}: unreadable stream frame: ${(error as Error).message}`,
        },
      };
    }
    if (event.type === 'prices') events.prices(event.prices);
    else if (event.type === 'error') events.error(event.error);
  }

  private heartbeat(socket: WebSocket): void {
    const { heartbeatIntervalMs, definition, logger } = this.options;
    if (Date.now() - this.lastSeenMs > 2 * heartbeatIntervalMs) {
      logger.warn(
        { source: this.id, silentMs: Date.now() - this.lastSeenMs },
        'Stream silent for two heartbeat periods; reconnecting',
      );
      socket.terminate();
      return;
    }
    if (definition.pingMessage) this.send([definition.pingMessage(Date.now())]);
    else socket.ping();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delayMs = backoffDelayMs(this.options.reconnect, this.attempt++);
    this.options.events.reconnecting(this.attempt, delayMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delayMs);
  }

  private send(messages: readonly string[]): void {
    for (const message of messages) this.socket?.send(message);
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + Math.max(1, size)));
  return out;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
