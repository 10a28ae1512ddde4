/**
 * `http_requests_total`, `http_request_duration_seconds` and `http_requests_in_flight` of every
 * request the server answers, Nest's routes and Fastify's own answers (404, 400, 413) alike, by
 * route template (Fastify's `routeOptions.url`, e.g. `/quote/:source/:base/:quote`; `unmatched`
 * when no route matched), method and status. Never the raw URL.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AggregatorMetrics } from './aggregator-metrics.js';

const routeTemplate = (request: FastifyRequest): string => request.routeOptions.url ?? 'unmatched';

export function countHttpRequests(fastify: FastifyInstance, metrics: AggregatorMetrics): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const started = performance.now();
    metrics.httpInFlight.inc();
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      metrics.httpInFlight.dec();
      const labels = {
        route: routeTemplate(request),
        method: request.method,
        status: String(reply.raw.statusCode),
      };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, (performance.now() - started) / 1000);
    };
    // 'close' too: a response the client abandoned still leaves the in-flight gauge.
    reply.raw.once('finish', finish);
    reply.raw.once('close', finish);
    done();
  });
}
