/**
 * Pushes this process's registry to the configured Pushgateway / VictoriaMetrics targets every
 * `metricsPush.intervalMs` (the TEE allows no scraping). Never blocks serving; on shutdown it
 * makes one last push.
 */
import type { AggregatorConfig } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import { createMetricsPusher, type MetricsPusher } from '@oracle/metrics-push';
import type { Registry } from 'prom-client';

export class MetricsPushService {
  private readonly pusher: MetricsPusher | undefined;

  constructor(registry: Registry, config: AggregatorConfig['metricsPush'], logger: Logger) {
    this.pusher = config.enabled ? createMetricsPusher({ registry, config, logger }) : undefined;
  }

  start(): void {
    this.pusher?.start();
  }

  stop(): Promise<void> {
    return this.pusher?.stop() ?? Promise.resolve();
  }
}
