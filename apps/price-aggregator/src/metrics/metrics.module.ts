import {
  Global,
  Inject,
  Module,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AggregatorConfig } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import { Registry } from 'prom-client';
import { AGGREGATOR_CONFIG, LOGGER } from '../config/config.tokens.js';
import { AggregatorMetrics } from './aggregator-metrics.js';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsPushService } from './metrics-push.service.js';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    { provide: Registry, useFactory: () => new Registry() },
    {
      provide: AggregatorMetrics,
      useFactory: (registry: Registry) => new AggregatorMetrics(registry),
      inject: [Registry],
    },
    HttpMetricsMiddleware,
    {
      provide: MetricsPushService,
      useFactory: (registry: Registry, config: AggregatorConfig, logger: Logger) =>
        new MetricsPushService(registry, config.metricsPush, logger.child({ component: 'metrics-push' })),
      inject: [Registry, AGGREGATOR_CONFIG, LOGGER],
    },
  ],
  exports: [Registry, AggregatorMetrics],
})
export class MetricsModule implements NestModule, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(MetricsPushService) private readonly push: MetricsPushService) {}

  onApplicationBootstrap(): void {
    this.push.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.push.stop();
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
