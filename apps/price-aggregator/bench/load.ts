/**
 * A small HTTP load generator on keep-alive sockets: closed loop (N callers back to back) for
 * throughput, open loop (a fixed rate, latency measured from each request's scheduled start, so
 * queueing is not hidden) for latency under load.
 *
 * It shares the machine's cores with the server it measures, so it does as little as it can: one
 * request buffer written as is, and of each answer only the status line and Content-Length are read;
 * the body is counted, never parsed or kept.
 */
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly latenciesMs: readonly number[];
}

export interface LoadSummary {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

/** One GET; resolves with the status once the whole body has arrived. */
export function get(agent: Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

/** `concurrency` callers, each on its own connection, sending its next request when the previous one is answered. */
export async function closedLoop(url: string, concurrency: number, durationMs: number): Promise<LoadResult> {
  const target = new Target(url);
  const latenciesMs: number[] = [];
  let errors = 0;
  const started = performance.now();
  const caller = async (): Promise<void> => {
    const connection = target.connect();
    while (performance.now() - started < durationMs) {
      const sent = performance.now();
      const status = await connection.get();
      if (status === 200) latenciesMs.push(performance.now() - sent);
      else errors++;
      if (status === 0) break;
    }
    connection.close();
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return {
    requests: latenciesMs.length + errors,
    errors,
    seconds: (performance.now() - started) / 1000,
    latenciesMs,
  };
}

/** `ratePerSecond` requests, evenly spaced, whatever the answers take (a new connection when none is idle). */
export async function openLoop(url: string, ratePerSecond: number, durationMs: number): Promise<LoadResult> {
  const target = new Target(url);
  const idle: Connection[] = [];
  const latenciesMs: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let errors = 0;
  let sent = 0;
  const total = Math.round((ratePerSecond * durationMs) / 1000);
  const started = performance.now();
  const send = (scheduledAt: number): void => {
    let connection = idle.pop();
    while (connection && !connection.open) connection = idle.pop();
    connection ??= target.connect();
    const call: Promise<void> = connection.get().then((status) => {
      if (status === 200) latenciesMs.push(performance.now() - scheduledAt);
      else errors++;
      if (status === 0) connection.close();
      else idle.push(connection);
      inFlight.delete(call);
    });
    inFlight.add(call);
  };
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * ratePerSecond) / 1000) + 1);
    for (; sent < due; sent++) send(started + (sent * 1000) / ratePerSecond);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  for (const connection of idle) connection.close();
  return { requests: sent, errors, seconds: (performance.now() - started) / 1000, latenciesMs };
}

/** Where requests go, and the one request buffer every connection writes. */
class Target {
  readonly host: string;
  readonly port: number;
  readonly request: Buffer;

  constructor(url: string) {
    const parsed = new URL(url);
    this.host = parsed.hostname;
    this.port = Number(parsed.port || 80);
    this.request = Buffer.from(
      `GET ${parsed.pathname}${parsed.search} HTTP/1.1\r\nHost: ${parsed.host}\r\nConnection: keep-alive\r\n\r\n`,
      'latin1',
    );
  }

  connect(): Connection {
    return new Connection(this, connect({ host: this.host, port: this.port, noDelay: true }));
  }
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

/**
 * One keep-alive connection, one request at a time. `get` resolves with the answer's status once
 * Content-Length body bytes have arrived, or with 0 when the connection fails or the answer has no
 * Content-Length (this generator reads nothing else).
 */
class Connection {
  private head: Buffer | undefined;
  private status = 0;
  private bodyLeft = -1;
  private answered: ((status: number) => void) | undefined;

  constructor(
    private readonly target: Target,
    private readonly socket: Socket,
  ) {
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', () => this.finish(0));
    socket.on('close', () => this.finish(0));
  }

  /** False once the server or the network closed it. */
  get open(): boolean {
    return !this.socket.destroyed;
  }

  get(): Promise<number> {
    if (!this.open) return Promise.resolve(0);
    return new Promise((resolve) => {
      this.answered = resolve;
      this.head = undefined;
      this.bodyLeft = -1;
      this.socket.write(this.target.request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    if (this.bodyLeft < 0) {
      const head = this.head ? Buffer.concat([this.head, chunk]) : chunk;
      const end = head.indexOf(HEADER_END);
      if (end < 0) {
        this.head = head;
        return;
      }
      const text = head.toString('latin1', 0, end);
      const length = CONTENT_LENGTH.exec(text)?.[1];
      if (length === undefined) return this.fail();
      this.status = Number(text.slice(9, 12));
      this.bodyLeft = Number(length) - (head.length - end - HEADER_END.length);
    } else {
      this.bodyLeft -= chunk.length;
    }
    if (this.bodyLeft === 0) this.finish(this.status);
    else if (this.bodyLeft < 0) this.fail();
  }

  private fail(): void {
    this.finish(0);
    this.socket.destroy();
  }

  private finish(status: number): void {
    const answered = this.answered;
    this.answered = undefined;
    this.bodyLeft = -1;
    answered?.(status);
  }
}

export function summarize(result: LoadResult): LoadSummary {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return {
    requestsPerSecond: round(result.requests / result.seconds, 0),
    p50Ms: round(at(0.5), 2),
    p99Ms: round(at(0.99), 2),
    errors: result.errors,
  };
}

export const round = (value: number, digits: number): number =>
  Math.round(value * 10 ** digits) / 10 ** digits;
