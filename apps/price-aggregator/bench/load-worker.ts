/**
 * Runs one load phase on a worker thread, so the generator's timing never waits behind the fake
 * exchange that shares the benchmark's main thread (a refresh round is ~100 upstream requests).
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { closedLoop, openLoop, type LoadResult } from './load.js';

type Phase =
  | {
      readonly kind: 'closed';
      readonly url: string;
      readonly concurrency: number;
      readonly durationMs: number;
    }
  | {
      readonly kind: 'open';
      readonly url: string;
      readonly ratePerSecond: number;
      readonly durationMs: number;
    };

/** Runs `phase` on a fresh worker thread and resolves with its result. */
export function inWorker(phase: Phase): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: phase });
    worker.once('message', (result: LoadResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`load worker exited with ${code}`)));
  });
}

if (parentPort) {
  const phase = workerData as Phase;
  const result =
    phase.kind === 'closed'
      ? await closedLoop(phase.url, phase.concurrency, phase.durationMs)
      : await openLoop(phase.url, phase.ratePerSecond, phase.durationMs);
  parentPort.postMessage(result);
}
