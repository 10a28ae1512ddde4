import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthState {
  /** Unix ms of the last successful sample, undefined before the first. */
  lastSampleAt(): number | undefined;
  /** A sample older than this is stale and /healthz answers 503. */
  readonly staleAfterMs: number;
}

/** GET /metrics (Prometheus text) and GET /healthz; nothing else. */
export function createMetricsServer(
  registry: Registry,
  health: HealthState,
  now: () => number = Date.now,
): Server {
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
      return;
    }
    if (path === '/healthz') {
      const last = health.lastSampleAt();
      const fresh = last !== undefined && now() - last <= health.staleAfterMs;
      const body = {
        status: fresh ? 'ok' : 'stale',
        lastSampleAt: last === undefined ? null : new Date(last).toISOString(),
      };
      response.writeHead(fresh ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    response.writeHead(404).end();
  });
}
