import { Global, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { AggregatorMetrics } from './aggregator-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsPushService } from './metrics-push.service.js';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [{ provide: Registry, useValue: new Registry() }, AggregatorMetrics, MetricsPushService],
  exports: [Registry, AggregatorMetrics],
})
export class MetricsModule {}
