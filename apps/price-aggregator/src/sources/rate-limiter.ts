/**
 * Per-host request limiter: a token bucket of `rps` (burst of one second's worth, at least one)
 * and at most `maxConcurrent` requests in flight. Requests for configured pairs start before any
 * request for ad-hoc pairs, so ad-hoc traffic only ever gets what the feeds leave over; within a
 * priority, tasks start in FIFO order. A host that answered 429 with Retry-After is paused as a
 * whole, so other requests do not hammer it meanwhile.
 */
export type RequestPriority = 'configured' | 'ad-hoc';

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
  private readonly queues: Record<RequestPriority, Waiting[]> = { configured: [], 'ad-hoc': [] };
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RateLimiterOptions) {
    this.capacity = options.rps === null ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(options.rps));
    this.tokens = this.capacity;
  }

  /** Runs `task` when a token and a concurrency slot are free; rejects if `signal` aborts while queued. */
  schedule<T>(
    task: () => Promise<T>,
    signal?: AbortSignal,
    priority: RequestPriority = 'configured',
  ): Promise<T> {
    const queue = this.queues[priority];
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        const index = queue.indexOf(waiting);
        if (index >= 0) queue.splice(index, 1);
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
      queue.push(waiting);
      this.drain();
    });
  }

  /** Holds every queued and future request for `ms` (e.g. a Retry-After). */
  pauseFor(ms: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, Date.now() + ms);
    this.drain();
  }

  get pending(): number {
    return this.queues.configured.length + this.queues['ad-hoc'].length;
  }

  /** Rejects everything still queued (shutdown). */
  close(reason: unknown): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const queue of Object.values(this.queues))
      for (const waiting of queue.splice(0)) waiting.cancel(reason);
  }

  private drain(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending > 0 && this.active < this.options.maxConcurrent) {
      const waitMs = this.msUntilAllowed();
      if (waitMs > 0) {
        this.timer = setTimeout(() => this.drain(), waitMs);
        return;
      }
      this.tokens -= 1;
      (this.queues.configured.shift() ?? this.queues['ad-hoc'].shift())?.start();
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
