import { z } from 'zod';
import { portSchema, positiveIntSchema } from './common.js';
import { metricsPushSchema } from './price-aggregator.js';

/** The process-metrics exporter. It pushes where priceAggregatorConfig.metricsPush pushes, unless `push` says otherwise. */
export const processMetricsSchema = z.strictObject({
  intervalMs: z.int().min(1_000).default(5_000).describe('Sampling and push period'),
  jobName: z.string().min(1).default('process-metrics'),
  host: z.string().min(1).default('127.0.0.1').describe('Listen address of /metrics and /healthz'),
  port: portSchema.default(3003),
  servicesRefreshMs: z
    .int()
    .min(10_000)
    .default(60_000)
    .describe('How often the supervised services are rediscovered'),
  maxSampleFailures: positiveIntSchema
    .default(12)
    .describe('Consecutive failed samples before the exporter exits'),
  push: metricsPushSchema
    .omit({ jobName: true, intervalMs: true })
    .optional()
    .describe('Own push settings; default those of priceAggregatorConfig.metricsPush'),
});
