import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { ReplayStep } from './price-file.js';
import { startReplay } from './replay.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const step = (timeMs: number, price: string): ReplayStep => ({ timeMs, base: 'BTC', quote: 'USD', price });

it('plays steps with their recorded spacing, loops after a gap, and stops', () => {
  const played: string[] = [];
  const stop = startReplay(
    [step(5_000, 'a'), step(5_100, 'b'), step(5_400, 'c')],
    (s) => played.push(s.price),
    50,
  );
  vi.advanceTimersByTime(0);
  expect(played).toEqual(['a']);
  vi.advanceTimersByTime(99);
  expect(played).toEqual(['a']);
  vi.advanceTimersByTime(1);
  expect(played).toEqual(['a', 'b']);
  vi.advanceTimersByTime(300);
  expect(played).toEqual(['a', 'b', 'c']);
  vi.advanceTimersByTime(49);
  expect(played).toEqual(['a', 'b', 'c']);
  vi.advanceTimersByTime(1);
  expect(played).toEqual(['a', 'b', 'c', 'a']);
  stop();
  vi.advanceTimersByTime(10_000);
  expect(played).toEqual(['a', 'b', 'c', 'a']);
});

it('does nothing without steps', () => {
  const apply = vi.fn();
  startReplay([], apply)();
  vi.advanceTimersByTime(10_000);
  expect(apply).not.toHaveBeenCalled();
});
