import { hostname } from 'node:os';
import {
  backoffDelayMs,
  httpRequest,
  sleep,
  type BackoffPolicy,
  type HttpRequestFunction,
} from '@oracle/core';
import type { Logger } from '@oracle/logger';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { mapWithConcurrency } from './concurrency.js';
import { resolveTargets, type MetricsPushConfig, type PushTarget } from './config.js';
import { buildPushRequests, type PushLabels } from './requests.js';
import { describePushError, isRetryable, sendPushRequest, type PushError } from './send.js';

export interface MetricsPusherOptions {
  readonly registry: Registry;
  readonly config: MetricsPushConfig;
  readonly logger: Logger;
  /** Refreshes values (e.g. age gauges) right before each push; a failure is logged and the push goes on. */
  readonly collect?: () => void | Promise<void>;
  /** Sends one HTTP request (default: httpRequest from @oracle/core). */
  readonly request?: HttpRequestFunction;
  /** Delays between retries within one interval; by default 500 ms doubling up to a quarter of the interval. */
  readonly backoff?: BackoffPolicy;
}

export interface PushOutcome {
  readonly target: string;
  readonly ok: boolean;
  readonly attempts: number;
  readonly error?: string;
}

export interface MetricsPusher {
  /** Schedules the first push about a second from now, then one every intervalMs. Returns at once. */
  start(): void;
  /** Pushes now (or joins the push in flight) and resolves with one outcome per target; never rejects. */
  pushNow(): Promise<readonly PushOutcome[]>;
  /** Clears the timers, cancels a push in flight, then makes one last push bounded by timeoutMs. */
  stop(): Promise<void>;
}

const FIRST_PUSH_DELAY_MS = 1_000;
const MAX_CONCURRENT_REQUESTS = 4;

function pushMetrics(registry: Registry): {
  total: Counter<'target' | 'result'>;
  duration: Histogram<'target'>;
  timestamp: Gauge;
} {
  const total =
    (registry.getSingleMetric('metrics_push_total') as Counter<'target' | 'result'> | undefined) ??
    new Counter({
      name: 'metrics_push_total',
      help: 'Metrics pushes per target and result, counted once per interval after retries',
      labelNames: ['target', 'result'] as const,
      registers: [registry],
    });
  const duration =
    (registry.getSingleMetric('metrics_push_duration_seconds') as Histogram<'target'> | undefined) ??
    new Histogram({
      name: 'metrics_push_duration_seconds',
      help: 'Duration of one push attempt to a target (all its requests)',
      labelNames: ['target'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  const timestamp =
    (registry.getSingleMetric('metrics_push_timestamp_seconds') as Gauge | undefined) ??
    new Gauge({
      name: 'metrics_push_timestamp_seconds',
      help: 'Unix time at which the pushed body was built; older than a few intervals means pushes stopped',
      registers: [registry],
    });
  return { total, duration, timestamp };
}

/**
 * Pushes a prom-client registry to Pushgateway and/or VictoriaMetrics targets every intervalMs.
 * Pushes never overlap; a failed push is retried with backoff until the next one is due, then
 * counted in metrics_push_total{result="failure"}. Nothing here throws into the caller.
 */
export function createMetricsPusher(options: MetricsPusherOptions): MetricsPusher {
  const { registry, config, logger } = options;
  const send = options.request ?? httpRequest;
  const targets = config.enabled ? resolveTargets(config) : [];
  const labels: PushLabels = {
    job: config.jobName,
    instance: config.instance ?? hostname(),
    environment: config.environment,
    groupingLabels: config.groupingLabels,
    ttlSeconds: config.ttlSeconds,
  };
  const backoff = options.backoff ?? {
    initialDelayMs: 500,
    maxDelayMs: Math.max(500, config.intervalMs / 4),
    multiplier: 2,
    jitter: 0.2,
  };
  const metrics = pushMetrics(registry);
  for (const target of targets) {
    metrics.total.inc({ target: target.name, result: 'success' }, 0);
    metrics.total.inc({ target: target.name, result: 'failure' }, 0);
  }

  const lifetime = new AbortController();
  const failing = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<PushOutcome[]> | undefined;
  let started = false;
  let stopping: Promise<void> | undefined;

  async function pushTarget(
    target: PushTarget,
    text: string,
    retryUntil: number,
    signal: AbortSignal,
  ): Promise<PushOutcome> {
    let pending = buildPushRequests(target, text, labels, config.batchSize);
    let attempts = 0;
    let lastError: PushError | undefined;
    for (;;) {
      attempts++;
      const endTimer = metrics.duration.startTimer({ target: target.name });
      const results = await mapWithConcurrency(pending, MAX_CONCURRENT_REQUESTS, (request) =>
        sendPushRequest(send, request, config.timeoutMs, signal),
      );
      endTimer();
      // Only the requests that failed are sent again (VictoriaMetrics would store a chunk twice).
      pending = pending.filter((_, i) => results[i]?.ok !== true);
      lastError = results.find((r) => !r.ok)?.error;
      if (!lastError) break;
      const delay = backoffDelayMs(backoff, attempts - 1);
      if (!isRetryable(lastError) || Date.now() + delay + config.timeoutMs > retryUntil) break;
      logger.debug(
        { target: target.name, attempts, error: describePushError(lastError) },
        'Metrics push failed, retrying',
      );
      try {
        await sleep(delay, signal);
      } catch {
        break;
      }
    }
    const ok = !lastError;
    metrics.total.inc({ target: target.name, result: ok ? 'success' : 'failure' });
    if (ok) {
      if (failing.delete(target.name))
        logger.info({ target: target.name, attempts }, 'Metrics push recovered');
      return { target: target.name, ok, attempts };
    }
    const error = describePushError(lastError as PushError);
    if (!failing.has(target.name)) {
      failing.add(target.name);
      logger.warn({ target: target.name, attempts, error }, 'Metrics push failed; retrying every interval');
    } else {
      logger.debug({ target: target.name, attempts, error }, 'Metrics push still failing');
    }
    return { target: target.name, ok, attempts, error };
  }

  async function pushCycle(retryUntil: number, signal: AbortSignal): Promise<PushOutcome[]> {
    try {
      await options.collect?.();
    } catch (error) {
      logger.warn({ err: error }, 'Collecting metrics before a push failed; pushing the last values');
    }
    metrics.timestamp.set(Date.now() / 1000);
    const text = await registry.metrics();
    return Promise.all(targets.map((target) => pushTarget(target, text, retryUntil, signal)));
  }

  function runCycle(retryUntil: number, signal: AbortSignal): Promise<PushOutcome[]> {
    inFlight ??= pushCycle(retryUntil, signal)
      .catch((error: unknown) => {
        logger.error({ err: error }, 'Metrics push cycle failed');
        return [];
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  function schedule(delayMs: number): void {
    if (stopping) return;
    timer = setTimeout(() => void tick(), delayMs);
    timer.unref();
  }

  async function tick(): Promise<void> {
    const cycleStart = Date.now();
    await runCycle(cycleStart + config.intervalMs, lifetime.signal);
    schedule(Math.max(0, cycleStart + config.intervalMs - Date.now()));
  }

  return {
    start() {
      if (started || stopping) return;
      started = true;
      if (targets.length === 0) {
        logger.info(
          config.enabled ? 'Metrics push enabled but no target configured' : 'Metrics push disabled',
        );
        return;
      }
      logger.info({ targets: targets.map((t) => t.name), intervalMs: config.intervalMs }, 'Pushing metrics');
      schedule(Math.min(FIRST_PUSH_DELAY_MS, config.intervalMs));
    },

    async pushNow() {
      if (targets.length === 0 || stopping) return [];
      return runCycle(Date.now() + config.intervalMs, lifetime.signal);
    },

    stop() {
      stopping ??= (async () => {
        clearTimeout(timer);
        lifetime.abort();
        await inFlight;
        if (!started || targets.length === 0) return;
        // One attempt per target, all of it bounded by timeoutMs.
        await runCycle(Date.now(), AbortSignal.timeout(config.timeoutMs));
      })();
      return stopping;
    },
  };
}
