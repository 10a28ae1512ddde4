/**
 * Pushes this process's registry to the configured Pushgateway / VictoriaMetrics targets every
 * `metricsPush.intervalMs` (the TEE allows no scraping). Never blocks serving; on shutdown it
 * makes one last push. The interval is @oracle/metrics-push's own (it also times retries and the
 * last push against it), not a Nest schedule.
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AggregatorConfig } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import { createMetricsPusher, type MetricsPusher } from '@oracle/metrics-push';
import { Registry } from 'prom-client';
import { AGGREGATOR_CONFIG, LOGGER } from '../config/config.tokens.js';

@Injectable()
export class MetricsPushService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly pusher: MetricsPusher | undefined;

  constructor(
    @Inject(Registry) registry: Registry,
    @Inject(AGGREGATOR_CONFIG) { metricsPush: config }: Pick<AggregatorConfig, 'metricsPush'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.pusher = config.enabled
      ? createMetricsPusher({ registry, config, logger: logger.child({ component: 'metrics-push' }) })
      : undefined;
  }

  onApplicationBootstrap(): void {
    this.pusher?.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.pusher?.stop() ?? Promise.resolve();
  }
}
