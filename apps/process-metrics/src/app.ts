import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@oracle/logger';
import { createMetricsPusher, type MetricsPushConfig } from '@oracle/metrics-push';
import { createProcessMetrics, PROCESS_LABEL_NAMES } from './metrics.js';
import { createSampler, type SamplerOptions } from './sampler.js';
import { createMetricsServer } from './server.js';

export interface ProcessMetricsSettings {
  /** Listen address of /metrics and /healthz (loopback unless you mean it). */
  readonly host: string;
  /** 3003 in the container; 0 picks a free port. */
  readonly port: number;
  /** Sampling period. */
  readonly intervalMs: number;
  readonly servicesRefreshMs: number;
  /** Consecutive failed samples (the scan directory unreadable) after which `onGiveUp` is called. */
  readonly maxSampleFailures: number;
  /** s6 scan directory, /run/service in the container. */
  readonly scanDir: string;
  readonly push: MetricsPushConfig;
}

export interface ProcessMetricsOptions {
  readonly settings: ProcessMetricsSettings;
  readonly logger: Logger;
  readonly clockTicksPerSecond: number;
  /** Called once when sampling has failed maxSampleFailures times in a row (main exits; s6 restarts it). */
  readonly onGiveUp: (error: unknown) => void;
  readonly servicePid?: SamplerOptions['servicePid'];
}

export interface ProcessMetricsApp {
  /** Base URL the server listens on. */
  readonly url: string;
  /** Takes a sample now (or waits for the one in progress). */
  sampleNow(): Promise<void>;
  /** Stops sampling, pushes one last time (bounded by the push timeout), closes the server. */
  stop(): Promise<void>;
}

/**
 * Grouping labels replace same-named labels on every pushed sample, so an inherited
 * `service: "price-aggregator"` would relabel every process series; the exporter's own label
 * names are therefore never grouping labels (the reference drops `service` too).
 */
export function withoutClashingGroupingLabels(push: MetricsPushConfig): MetricsPushConfig {
  const groupingLabels = Object.fromEntries(
    Object.entries(push.groupingLabels).filter(
      ([name]) => !(PROCESS_LABEL_NAMES as readonly string[]).includes(name),
    ),
  );
  return { ...push, groupingLabels };
}

/** Samples every s6 service every intervalMs, serves the result and pushes it. Resolves once listening. */
export async function startProcessMetrics(options: ProcessMetricsOptions): Promise<ProcessMetricsApp> {
  const { settings, logger } = options;
  const metrics = createProcessMetrics();
  const sampler = createSampler({
    scanDir: settings.scanDir,
    servicesRefreshMs: settings.servicesRefreshMs,
    clockTicksPerSecond: options.clockTicksPerSecond,
    servicePid: options.servicePid,
  });
  let lastSampleAt: number | undefined;
  let failures = 0;
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const sampleOnce = async (): Promise<void> => {
    try {
      metrics.update(await sampler.sample());
      lastSampleAt = Date.now();
      failures = 0;
    } catch (error) {
      failures++;
      logger.warn(
        { err: error, scanDir: settings.scanDir, failures },
        'Sampling the supervised services failed',
      );
      if (failures === settings.maxSampleFailures) options.onGiveUp(error);
    }
  };
  const sampleNow = (): Promise<void> => {
    inFlight ??= sampleOnce().finally(() => (inFlight = undefined));
    return inFlight;
  };
  const loop = async (): Promise<void> => {
    const started = Date.now();
    await sampleNow();
    if (stopped) return;
    timer = setTimeout(() => void loop(), Math.max(0, started + settings.intervalMs - Date.now()));
  };

  await loop();
  const server = createMetricsServer(metrics.registry, {
    lastSampleAt: () => lastSampleAt,
    staleAfterMs: 3 * settings.intervalMs,
  });
  server.listen(settings.port, settings.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`;

  const pusher = createMetricsPusher({
    registry: metrics.registry,
    config: withoutClashingGroupingLabels(settings.push),
    logger: logger.child({ component: 'metrics-push' }),
  });
  pusher.start();
  logger.info(
    { url, scanDir: settings.scanDir, intervalMs: settings.intervalMs },
    'Process metrics exporter listening',
  );

  return {
    url,
    sampleNow,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      await pusher.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
