import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('returns the first truthy value, treating throws and false as "not yet"', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls++;
        if (calls === 1) throw new Error('not up');
        return calls === 2 ? false : `ready after ${calls}`;
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('ready after 3');
  });

  it('times out naming what it waited for and the last error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('connection refused');
        },
        { timeoutMs: 30, intervalMs: 5, what: 'the server' },
      ),
    ).rejects.toThrow(/waiting for the server; last error: connection refused/);
  });
});
