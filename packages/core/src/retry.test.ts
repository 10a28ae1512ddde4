import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.js';
import { err, ok } from './result.js';
import { retry } from './retry.js';

const fast = { initialDelayMs: 1, maxDelayMs: 4, multiplier: 2, jitter: 0 };

describe('retry', () => {
  it('retries retryable errors until success', async () => {
    let n = 0;
    const result = await retry(async () => (++n < 3 ? err('503') : ok('fine')), { retries: 5, backoff: fast });
    expect(result).toEqual(ok('fine'));
    expect(n).toBe(3);
  });

  it('stops at a non-retryable error and when retries run out', async () => {
    let n = 0;
    const notFound = await retry(async () => (n++, err('404')), {
      retries: 5,
      backoff: fast,
      isRetryable: (e) => e !== '404',
    });
    expect(notFound).toEqual(err('404'));
    expect(n).toBe(1);
    n = 0;
    const exhausted = await retry(async () => (n++, err('500')), { retries: 2, backoff: fast });
    expect(exhausted.ok).toBe(false);
    expect(n).toBe(3);
  });

  it('grows delays exponentially up to the cap', () => {
    const policy = { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelayMs(policy, a))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});
