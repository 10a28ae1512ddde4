import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  const startTimes = (limiter: RateLimiter, count: number, workMs = 0): number[] => {
    const started: number[] = [];
    for (let i = 0; i < count; i++) {
      void limiter.schedule(async () => {
        started.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, workMs));
      });
    }
    return started;
  };

  it('allows a burst of one second worth of tokens, then spaces requests at 1/rps', async () => {
    const limiter = new RateLimiter({ rps: 2, maxConcurrent: 10 });
    const started = startTimes(limiter, 5);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(started).toEqual([0, 0, 500, 1000, 1500]);
  });

  it('never runs more than maxConcurrent tasks at once', async () => {
    const limiter = new RateLimiter({ rps: null, maxConcurrent: 2 });
    const started = startTimes(limiter, 5, 100);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(started).toEqual([0, 0, 100, 100, 200]);
  });

  it('pauses the host for a Retry-After', async () => {
    const limiter = new RateLimiter({ rps: null, maxConcurrent: 5 });
    limiter.pauseFor(3_000);
    const started = startTimes(limiter, 2);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(started).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([3_000, 3_000]);
  });

  it('starts every queued request of configured pairs before any ad-hoc one', async () => {
    const limiter = new RateLimiter({ rps: 1, maxConcurrent: 1 });
    const order: string[] = [];
    const task = (name: string) => async () => void order.push(name);
    void limiter.schedule(task('first'));
    for (let i = 0; i < 3; i++) void limiter.schedule(task(`ad-hoc ${i}`), undefined, 'ad-hoc');
    void limiter.schedule(task('feed a'), undefined, 'configured');
    void limiter.schedule(task('feed b'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(order).toEqual(['first', 'feed a', 'feed b', 'ad-hoc 0', 'ad-hoc 1', 'ad-hoc 2']);
  });

  it('drops a queued task whose signal aborts, and rejects the queue on close', async () => {
    const limiter = new RateLimiter({ rps: 1, maxConcurrent: 1 });
    await limiter.schedule(async () => undefined);
    const controller = new AbortController();
    const aborted = limiter.schedule(async () => 'late', controller.signal);
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    const closed = limiter.schedule(async () => 'never');
    limiter.close(new Error('shutting down'));
    await expect(closed).rejects.toThrow('shutting down');
    expect(limiter.pending).toBe(0);
  });
});
