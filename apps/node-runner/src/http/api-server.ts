import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@oracle/logger';
import type { Registry } from 'prom-client';

/** What /health answers: 200 when `ok`, else 503, with every check and why. */
export interface HealthAnswer {
  readonly ok: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail: string }>>;
}

export interface ApiServerOptions {
  readonly host: string;
  readonly port: number;
  readonly health: () => HealthAnswer;
  /** Any JSON-able value; bigints are written as decimal strings. */
  readonly status: () => unknown;
  readonly registry: Registry;
  readonly logger: Logger;
}

export interface ApiServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The node's HTTP API (node:http, GET only): `/health` (liveness and readiness), `/status` (peers
 * and per-feed protocol state), `/metrics` (Prometheus text). Meant for 127.0.0.1.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const server = createServer((request, response) => {
    void handle(options, request, response).catch((error: unknown) => {
      options.logger.error({ err: error, url: request.url }, 'HTTP handler failed');
      if (!response.headersSent) send(response, 500, { error: 'internal error' });
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return { port, close: () => close(server) };
}

async function handle(
  options: ApiServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return send(response, 405, { error: 'method not allowed' });
  switch (path) {
    case '/health': {
      const health = options.health();
      return send(response, health.ok ? 200 : 503, {
        status: health.ok ? 'ok' : 'unavailable',
        checks: health.checks,
      });
    }
    case '/status':
      return send(response, 200, options.status());
    case '/metrics': {
      const text = await options.registry.metrics();
      response.writeHead(200, { 'content-type': options.registry.contentType });
      response.end(text);
      return;
    }
    default:
      return send(response, 404, { error: `no route ${path}` });
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(text);
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
