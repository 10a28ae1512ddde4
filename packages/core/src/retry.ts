import { backoffDelayMs, defaultBackoff, type BackoffPolicy } from './backoff.js';
import { err, type Result } from './result.js';
import { sleep } from './sleep.js';

export interface RetryOptions<E> {
  /** Retries after the first attempt (0 = try once). */
  readonly retries: number;
  readonly backoff?: BackoffPolicy;
  /** Whether an error is worth another attempt (e.g. 429, 5xx, timeouts; not 404 or a schema error). */
  readonly isRetryable?: (error: E) => boolean;
  /** Minimum delay an error asks for (e.g. a Retry-After header). */
  readonly retryAfterMs?: (error: E) => number | undefined;
  readonly signal?: AbortSignal;
  readonly onRetry?: (error: E, attempt: number, delayMs: number) => void;
}

/** Runs `attempt` until it succeeds, the error is not retryable, retries run out, or the signal aborts. */
export async function retry<T, E>(
  attempt: (attemptNumber: number) => Promise<Result<T, E>>,
  options: RetryOptions<E>,
): Promise<Result<T, E>> {
  const policy = options.backoff ?? defaultBackoff;
  let last: Result<T, E> | undefined;
  for (let n = 0; n <= options.retries; n++) {
    last = await attempt(n);
    if (last.ok) return last;
    const error = last.error;
    if (n === options.retries || options.signal?.aborted) break;
    if (options.isRetryable && !options.isRetryable(error)) break;
    const delay = Math.max(backoffDelayMs(policy, n), options.retryAfterMs?.(error) ?? 0);
    options.onRetry?.(error, n + 1, delay);
    try {
      await sleep(delay, options.signal);
    } catch {
      break;
    }
  }
  return last ?? err(undefined as E);
}
