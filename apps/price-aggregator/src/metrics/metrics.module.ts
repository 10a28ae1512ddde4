import { Global, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { Registry } from 'prom-client';
import { AggregatorMetrics } from './aggregator-metrics.js';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { MetricsController } from './metrics.controller.js';

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
  ],
  exports: [Registry, AggregatorMetrics],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
