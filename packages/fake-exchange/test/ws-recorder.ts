import WebSocket from 'ws';

/** A test WebSocket client that records text frames and waits for the ones a test cares about. */
export class WsRecorder {
  readonly messages: string[] = [];
  /** Resolves with the close code once the connection is closed, however it happened. */
  readonly closed: Promise<number>;
  private cursor = 0;
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(String(data));
      for (const listener of this.listeners) listener();
    });
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  static open(url: string): Promise<WsRecorder> {
    const socket = new WebSocket(url);
    const recorder = new WsRecorder(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(recorder));
      socket.once('error', reject);
    });
  }

  send(text: string): void {
    this.socket.send(text);
  }

  /** The next frame (after those already waited for) that satisfies `matches`. */
  next(matches: (text: string) => boolean, timeoutMs = 3_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        while (this.cursor < this.messages.length) {
          const text = this.messages[this.cursor++] ?? '';
          if (matches(text)) {
            done();
            resolve(text);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`No matching frame within ${timeoutMs} ms; received: ${this.messages.join('\n')}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Sends a WebSocket ping frame; resolves when its pong arrives. */
  ping(): Promise<void> {
    return new Promise((resolve) => {
      this.socket.once('pong', () => resolve());
      this.socket.ping();
    });
  }

  close(): void {
    this.socket.close();
  }
}
