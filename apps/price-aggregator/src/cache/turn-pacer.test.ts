import { describe, expect, it } from 'vitest';
import { TurnPacer } from './turn-pacer.js';

describe('TurnPacer', () => {
  it('starts queued work in order, one item per turn of the event loop, and passes results and errors through', async () => {
    const pacer = new TurnPacer();
    const events: string[] = [];
    const item = (name: string) => () => {
      events.push(`start ${name}`);
      // Scheduled from inside a turn: runs before the next item only if items take one turn each.
      setImmediate(() => events.push(`turn after ${name}`));
      return name === 'b' ? Promise.reject(new Error('b failed')) : Promise.resolve(name);
    };
    const results = await Promise.allSettled([
      pacer.run(item('a')),
      pacer.run(item('b')),
      pacer.run(item('c')),
    ]);
    expect(events.slice(0, 5)).toEqual(['start a', 'turn after a', 'start b', 'turn after b', 'start c']);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'a',
      'b failed',
      'c',
    ]);
    expect(events).toEqual(['start a', 'turn after a', 'start b', 'turn after b', 'start c']);
  });
});
