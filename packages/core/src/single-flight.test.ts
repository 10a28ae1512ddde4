import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.js';

describe('SingleFlight', () => {
  it('shares one call between concurrent callers and forgets it when settled', async () => {
    const flight = new SingleFlight<string, number>();
    let calls = 0;
    let release!: (n: number) => void;
    const work = () => {
      calls++;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const all = Promise.all([flight.run('k', work), flight.run('k', work), flight.run('k', work)]);
    expect(calls).toBe(1);
    release(7);
    expect(await all).toEqual([7, 7, 7]);
    expect(flight.size).toBe(0);
    void flight.run('k', async () => 1);
    expect(calls).toBe(1);
  });
});
