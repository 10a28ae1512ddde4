import type { ReplayStep } from './price-file.js';

/**
 * Plays `steps` with their recorded spacing, over and over: after the last step the loop waits
 * `loopGapMs` and starts again from the first. Returns a function that stops it.
 */
export function startReplay(
  steps: readonly ReplayStep[],
  apply: (step: ReplayStep) => void,
  loopGapMs = 1_000,
): () => void {
  const firstMs = steps[0]?.timeMs;
  if (firstMs === undefined) return () => undefined;
  let index = 0;
  let loopStartedMs = Date.now();
  let timer: NodeJS.Timeout | undefined;

  const scheduleNext = (): void => {
    const step = steps[index];
    if (!step) return;
    const dueMs = loopStartedMs + (step.timeMs - firstMs);
    timer = setTimeout(
      () => {
        apply(step);
        index += 1;
        if (index === steps.length) {
          index = 0;
          loopStartedMs = Date.now() + loopGapMs;
        }
        scheduleNext();
      },
      Math.max(0, dueMs - Date.now()),
    );
  };

  scheduleNext();
  return () => clearTimeout(timer);
}
