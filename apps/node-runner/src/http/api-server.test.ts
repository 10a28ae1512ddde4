import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@oracle/logger';
import { startApiServer, type ApiServer, type ApiServerOptions } from './api-server.js';

const logger = createLogger({ service: 'api-server-test', level: 'silent' });
let server: ApiServer | undefined;

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
});
