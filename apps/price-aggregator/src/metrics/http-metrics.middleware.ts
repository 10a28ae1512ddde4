import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { AggregatorMetrics } from './aggregator-metrics.js';

/** Express sets `route` on the request once a route matched; its path is the template, never the raw URL. */
type RoutedRequest = IncomingMessage & { route?: { path?: unknown } };

/** Counts and times every HTTP request by route template, method and status. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(@Inject(AggregatorMetrics) private readonly metrics: AggregatorMetrics) {}

  use(req: RoutedRequest, res: ServerResponse, next: () => void): void {
    const started = performance.now();
    this.metrics.httpInFlight.inc();
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      this.metrics.httpInFlight.dec();
      const route = typeof req.route?.path === 'string' ? req.route.path : 'unmatched';
      const labels = { route, method: req.method ?? 'GET', status: String(res.statusCode) };
      this.metrics.httpRequests.inc(labels);
      this.metrics.httpDuration.observe(labels, (performance.now() - started) / 1000);
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  }
}
