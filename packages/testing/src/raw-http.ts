import { connect } from 'node:net';

export interface RawHttpAnswer {
  /** The status code of the first response (NaN when none came). */
  readonly status: number;
  /** The status line and headers, as received. */
  readonly head: string;
  /** The body as received (Content-Length framed; not de-chunked). */
  readonly body: string;
  /** The server closed the connection; this side never ends it first. */
  readonly closedByServer: boolean;
}

export interface RawHttpOptions {
  readonly host?: string;
  /** Resolve as soon as one whole Content-Length-framed response is in, without waiting for a close. */
  readonly untilResponse?: boolean;
  /** Reject when neither happened by then; default 5000 ms. */
  readonly timeoutMs?: number;
}

/**
 * Writes `request` byte for byte on a fresh connection (no client library in between, so malformed
 * request lines and headers without their body can be sent), then reads until the server closes
 * the connection (or, with `untilResponse`, until one response is complete).
 */
export function rawHttp(port: number, request: string, options: RawHttpOptions = {}): Promise<RawHttpAnswer> {
  const { host = '127.0.0.1', untilResponse = false, timeoutMs = 5_000 } = options;
  return new Promise((resolve, reject) => {
    const socket = connect(port, host, () => socket.write(request));
    let text = '';
    const answer = (closedByServer: boolean): RawHttpAnswer => {
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const body = split < 0 ? '' : text.slice(split + 4);
      return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]), head, body, closedByServer };
    };
    const finish = (outcome: RawHttpAnswer | Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(
      () => finish(new Error(`no answer within ${timeoutMs} ms; got ${JSON.stringify(text)}`)),
      timeoutMs,
    );
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (!untilResponse) return;
      const { head, body } = answer(false);
      const length = /^content-length: *(\d+)/im.exec(head)?.[1];
      if (text.includes('\r\n\r\n') && length !== undefined && Buffer.byteLength(body) >= Number(length))
        finish(answer(false));
    });
    socket.on('end', () => finish(answer(true)));
    socket.on('error', (error) => finish(error));
  });
}
