import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { answerClientError } from '@oracle/core';
import type { Logger } from '@oracle/logger';
import type { Registry } from 'prom-client';
import { PAGE_CSS, PAGE_HTML, PAGE_JS } from '../status-page/page-assets.js';

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
  /** When given, the DON status page is served too: `/`, its script and stylesheet, and this model as `/don`. */
  readonly don?: () => Promise<unknown>;
}

export interface ApiServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The API reads no request body (GET and HEAD only); a request declaring a longer one is answered
 * 413 from its headers and its connection closed, so nobody holds a connection open by promising
 * gigabytes. Smaller bodies of other methods get their 405.
 */
export const MAX_REQUEST_BODY_BYTES = 1_024;

/**
 * The node's HTTP API (node:http, GET only): `/health` (liveness and readiness), `/status` (peers
 * and per-feed protocol state), `/metrics` (Prometheus text), and with `don` the DON status page
 * (`/`, `/status-page.js`, `/status-page.css`, `/don`). Meant for 127.0.0.1.
 *
 * Request targets: origin-form (`/status?x`, its path taken as written, so `//x` is the path `//x`,
 * not the host `x`) and valid http(s) absolute-form (`http://any-host/status`, served by its path,
 * as RFC 9112 asks of servers); anything else (`http://[::1/x`, `*`, `host:443`) is answered 400.
 * Every answer of the API itself is JSON, malformed requests included (Node's `clientError`).
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const server = createServer((request, response) => {
    void handle(options, request, response).catch((error: unknown) => {
      options.logger.error({ err: error, url: request.url }, 'HTTP handler failed');
      if (!response.headersSent) send(response, 500, { error: 'internal error' });
      else response.destroy();
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // Any client can cause it: debug.
    options.logger.debug({ code: error.code, reason: error.message }, 'Malformed HTTP request');
    answerClientError(error, socket, (_status, reason) => json({ error: reason }));
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
  if (declaredBodyBytes(request) > MAX_REQUEST_BODY_BYTES) {
    const error = `request body over ${MAX_REQUEST_BODY_BYTES} bytes`;
    return send(response, 413, { error }, { connection: 'close' });
  }
  const path = targetPath(request.url ?? '');
  if (path === undefined) return send(response, 400, { error: 'malformed request target' });
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
  }
  const page = options.don && (await statusPage(path, options.don));
  if (page) {
    response.writeHead(200, { 'content-type': page.type, ...PAGE_HEADERS });
    response.end(page.body);
    return;
  }
  return send(response, 404, { error: `no route ${path}` });
}

/** The request's Content-Length (0 without one; Node refuses a malformed one before we see it). */
function declaredBodyBytes(request: IncomingMessage): number {
  const length = request.headers['content-length'];
  return length === undefined ? 0 : Number(length);
}

/**
 * The path of an origin-form (`/status?x`) or http(s) absolute-form (`http://host/status`) request
 * target; undefined for anything else or a target that does not parse. An origin-form target is
 * appended to a fixed origin rather than resolved against it, so `//x` stays a path.
 */
export function targetPath(target: string): string | undefined {
  const url = target.startsWith('/')
    ? `http://localhost${target}`
    : /^https?:\/\//i.test(target)
      ? target
      : undefined;
  if (url === undefined) return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

/** The page loads nothing but its own files and `/don`, and no other site may frame it. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

async function statusPage(
  path: string,
  don: () => Promise<unknown>,
): Promise<{ type: string; body: string } | undefined> {
  switch (path) {
    case '/':
      return { type: 'text/html; charset=utf-8', body: PAGE_HTML };
    case '/status-page.js':
      return { type: 'text/javascript; charset=utf-8', body: PAGE_JS };
    case '/status-page.css':
      return { type: 'text/css; charset=utf-8', body: PAGE_CSS };
    case '/don':
      return { type: 'application/json; charset=utf-8', body: json(await don()) };
    default:
      return undefined;
  }
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = json(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** JSON with bigints as decimal strings. */
function json(body: unknown): string {
  return JSON.stringify(body, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
