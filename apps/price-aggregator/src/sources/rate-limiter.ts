/**
 * Per-host request limiter: a token bucket of `rps` (burst of one second's worth, at least one)
 * and at most `maxConcurrent` requests in flight. Tasks start in FIFO order. A host that answered
 * 429 with Retry-After is paused as a whole, so other requests do not hammer it meanwhile.
 */
export interface RateLimiterOptions {
  /** Requests per second; null = unlimited. */
  readonly rps: number | null;
  readonly maxConcurrent: number;
}

interface Waiting {
  readonly start: () => void;
  readonly cancel: (reason: unknown) => void;
}

export class RateLimiter {
  private readonly capacity: number;
  private tokens: number;
  private refilledAtMs = Date.now();
  private pausedUntilMs = 0;
  private active = 0;
  private readonly queue: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RateLimiterOptions) {
    this.capacity = options.rps === null ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(options.rps));
    this.tokens = this.capacity;
  }

  /** Runs `task` when a token and a concurrency slot are free; rejects if `signal` aborts while queued. */
  schedule<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        const index = this.queue.indexOf(waiting);
        if (index >= 0) this.queue.splice(index, 1);
        reject(signal?.reason);
      };
      const waiting: Waiting = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          this.active++;
          task()
            .then(resolve, reject)
            .finally(() => {
              this.active--;
              this.drain();
            });
        },
        cancel: reject,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiting);
      this.drain();
    });
  }

  /** Holds every queued and future request for `ms` (e.g. a Retry-After). */
  pauseFor(ms: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, Date.now() + ms);
    this.drain();
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Rejects everything still queued (shutdown). */
  close(reason: unknown): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const waiting of this.queue.splice(0)) waiting.cancel(reason);
  }

  private drain(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0 && this.active < this.options.maxConcurrent) {
      const waitMs = this.msUntilAllowed();
      if (waitMs > 0) {
        this.timer = setTimeout(() => this.drain(), waitMs);
        return;
      }
      this.tokens -= 1;
      this.queue.shift()?.start();
    }
  }

  private msUntilAllowed(): number {
    const now = Date.now();
    if (now < this.pausedUntilMs) return this.pausedUntilMs - now;
    const rps = this.options.rps;
    if (rps === null) return 0;
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAtMs) * rps) / 1000);
    this.refilledAtMs = now;
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / rps);
  }
}
