import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { AggregatorMetrics } from './aggregator-metrics.js';

/** Express sets `route` on the request once a route matched; its path is the template, never the raw URL. */
type RoutedRequest = IncomingMessage & { route?: { path?: unknown } };

const routeTemplate = (req: RoutedRequest): string =>
  typeof req.route?.path === 'string' ? req.route.path : 'unmatched';

/** Counts and times every HTTP request Nest serves by route template, method and status. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(@Inject(AggregatorMetrics) private readonly metrics: AggregatorMetrics) {}

  use(req: RoutedRequest, res: ServerResponse, next: () => void): void {
    trackHttpRequest(this.metrics, req, res, routeTemplate);
    next();
  }
}

/**
 * Counts `req` in flight now, and once its response finished (or the connection closed) counts and
 * times it by route template (`route(req)`, asked then), method and status.
 */
export function trackHttpRequest<R extends IncomingMessage>(
  metrics: AggregatorMetrics,
  req: R,
  res: ServerResponse,
  route: (req: R) => string,
): void {
  const started = performance.now();
  metrics.httpInFlight.inc();
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    metrics.httpInFlight.dec();
    const labels = { route: route(req), method: req.method ?? 'GET', status: String(res.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, (performance.now() - started) / 1000);
  };
  res.once('finish', finish);
  res.once('close', finish);
}
