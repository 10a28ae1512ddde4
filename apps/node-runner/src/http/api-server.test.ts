import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@oracle/logger';
import { rawHttp } from '@oracle/testing';
import {
  MAX_REQUEST_BODY_BYTES,
  startApiServer,
  targetPath,
  type ApiServer,
  type ApiServerOptions,
} from './api-server.js';

const logger = createLogger({ service: 'api-server-test', level: 'silent' });
let server: ApiServer | undefined;

/** A logger that keeps its lines, to check what a request made the server log. */
function recordingLogger(): { logger: ApiServerOptions['logger']; levels: () => string[] } {
  const lines: string[] = [];
  return {
    logger: createLogger({
      service: 'api-server-test',
      level: 'trace',
      destination: { write: (l) => lines.push(l) },
    }),
    levels: () => lines.map((line) => (JSON.parse(line) as { level: string }).level),
  };
}

async function start(extra: Partial<ApiServerOptions> = {}): Promise<string> {
  server = await startApiServer({
    host: '127.0.0.1',
    port: 0,
    health: () => ({ ok: true, checks: { database: { ok: true, detail: 'reachable' } } }),
    status: () => ({ node: 1, answer: 123n }),
    registry: new Registry(),
    logger,
    ...extra,
  });
  return `http://127.0.0.1:${server.port}`;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the node API', () => {
  it('serves /status with bigints as decimal strings and has no page without a DON model', async () => {
    const base = await start();
    expect(await (await fetch(`${base}/status`)).json()).toEqual({ node: 1, answer: '123' });
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/don`)).status).toBe(404);
  });

  it('serves the status page, its script and stylesheet with a strict content security policy', async () => {
    const base = await start({ don: () => Promise.resolve({ generatedAtMs: 5, nodes: [], feeds: [] }) });
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).toContain('<script src="/status-page.js" defer></script>');
    expect(html).toContain('<link rel="stylesheet" href="/status-page.css">');

    const script = await fetch(`${base}/status-page.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain("fetch('/don'");
    const css = await fetch(`${base}/status-page.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');

    const don = await fetch(`${base}/don`);
    expect(don.headers.get('cache-control')).toBe('no-store');
    expect(await don.json()).toEqual({ generatedAtMs: 5, nodes: [], feeds: [] });
  });

  it('answers only GET and HEAD', async () => {
    const base = await start({ don: () => Promise.resolve({}) });
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
    const head = await fetch(`${base}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers a malformed request target 400 in JSON and logs no error', async () => {
    const { logger: recording, levels } = recordingLogger();
    await start({ logger: recording, don: () => Promise.resolve({}) });
    const port = server?.port ?? 0;
    for (const target of ['http://[::1/x', 'http://[::1/status', '*', '127.0.0.1:80', 'ftp://host/status']) {
      const answer = await rawHttp(port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect({ target, status: answer.status }).toEqual({ target, status: 400 });
      expect(answer.head).toMatch(/content-type: application\/json/i);
      // Node's parser refuses some targets itself (`*` outside OPTIONS): its clientError answers those.
      const expected = target.startsWith('http') ? 'malformed request target' : expect.any(String);
      expect(JSON.parse(answer.body)).toEqual({ error: expected });
    }
    expect(levels().filter((level) => level === 'error' || level === 'fatal')).toEqual([]);
  });

  it('serves a valid absolute-form target by its path, and takes //x as a path, not a host', async () => {
    await start({ don: () => Promise.resolve({}) });
    const port = server?.port ?? 0;
    const get = (target: string) =>
      rawHttp(port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const absolute = await get('http://elsewhere.example/status?x=1');
    expect(absolute.status).toBe(200);
    expect(JSON.parse(absolute.body)).toEqual({ node: 1, answer: '123' });
    // Resolved against a base URL, `//x` used to become host x with path `/`: the status page.
    const doubleSlash = await get('//x');
    expect(doubleSlash.status).toBe(404);
    expect(JSON.parse(doubleSlash.body)).toEqual({ error: 'no route //x' });
    expect(targetPath('/health?verbose')).toBe('/health');
    expect(targetPath('HTTPS://h:1/metrics')).toBe('/metrics');
    expect(targetPath('http://[::1/x')).toBeUndefined();
  });

  it("answers requests Node cannot parse in JSON instead of Node's bare 400", async () => {
    const { logger: recording, levels } = recordingLogger();
    await start({ logger: recording });
    const answer = await rawHttp(server?.port ?? 0, 'GARBAGE\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(answer.head).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(answer.body)).toEqual({ error: 'bad request' });
    expect(answer.closedByServer).toBe(true);
    expect(levels().filter((level) => level === 'error' || level === 'fatal')).toEqual([]);
  });

  it('answers a declared body over the limit 413 from the headers alone, and closes the connection', async () => {
    await start();
    const port = server?.port ?? 0;
    // Only the headers are sent: an answer at all means it came before the body.
    const answer = await rawHttp(
      port,
      'POST /status HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n',
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: `request body over ${MAX_REQUEST_BODY_BYTES} bytes` });
    expect(answer.head).toMatch(/connection: close/i);
    expect(answer.closedByServer).toBe(true);
    // A small body of another method still gets its 405, on a connection kept alive.
    const small = await rawHttp(port, 'POST /status HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}', {
      untilResponse: true,
    });
    expect(small.status).toBe(405);
  });
});
