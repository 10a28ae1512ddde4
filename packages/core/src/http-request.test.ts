import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRequest, HttpRequestError } from './http-request.js';

let server: Server | undefined;

/** A loopback server answering with `handler`; its base URL. */
async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readAll(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
  });
}

async function failureOf(promise: Promise<unknown>): Promise<HttpRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpRequestError);
  return error as HttpRequestError;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

describe('httpRequest', () => {
  it('sends the method, headers and body, and answers with the status and the text', async () => {
    let seen: { method?: string; type?: string; length?: string; body: string } | undefined;
    const url = await serve(async (request, response) => {
      seen = {
        method: request.method,
        type: request.headers['content-type'],
        length: request.headers['content-length'],
        body: await readAll(request),
      };
      response.writeHead(201).end('créé');
    });
    const answer = await httpRequest(`${url}/metrics/job/x`, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/plain' },
      body: 'a 1\nb é\n',
      timeoutMs: 2_000,
    });
    expect(answer).toEqual({ status: 201, body: 'créé' });
    expect(seen).toEqual({ method: 'PUT', type: 'text/plain', length: '9', body: 'a 1\nb é\n' });
  });

  it('answers an error status like any other (the caller decides)', async () => {
    const url = await serve((_, response) => response.writeHead(503).end('busy'));
    expect(await httpRequest(url, { timeoutMs: 2_000 })).toEqual({ status: 503, body: 'busy' });
  });

  it('fails with kind "timeout" when the answer does not come in time', async () => {
    const url = await serve((_, response) => setTimeout(() => response.end('late'), 2_000));
    const error = await failureOf(httpRequest(url, { timeoutMs: 100 }));
    expect(error.kind).toBe('timeout');
  });

  it('fails with kind "timeout" when the body stops halfway', async () => {
    const url = await serve((_, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('only part');
    });
    const error = await failureOf(httpRequest(url, { timeoutMs: 200 }));
    expect(error.kind).toBe('timeout');
  });

  it('fails with kind "aborted" when the caller\'s signal fires, before or during the request', async () => {
    const url = await serve(() => undefined);
    const controller = new AbortController();
    const pending = httpRequest(url, { timeoutMs: 5_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await failureOf(pending)).kind).toBe('aborted');
    expect((await failureOf(httpRequest(url, { timeoutMs: 5_000, signal: controller.signal }))).kind).toBe(
      'aborted',
    );
  });

  it('fails with kind "network" and the error code when nothing listens, without naming the URL', async () => {
    const url = await serve(() => undefined);
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const error = await failureOf(httpRequest(`${url}/secret-token`, { timeoutMs: 2_000 }));
    expect(error.kind).toBe('network');
    expect(error.detail).toBe('ECONNREFUSED');
    expect(error.message).not.toContain('secret-token');
  });

  it('fails with kind "network" when the server drops the connection mid-answer', async () => {
    const url = await serve((request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('part', () => request.socket.destroy());
    });
    const error = await failureOf(httpRequest(url, { timeoutMs: 2_000 }));
    expect(error.kind).toBe('network');
  });

  it('refuses an answer longer than maxResponseBytes', async () => {
    const url = await serve((_, response) => response.end('x'.repeat(10_000)));
    const error = await failureOf(httpRequest(url, { timeoutMs: 2_000, maxResponseBytes: 1_000 }));
    expect(error.kind).toBe('too-large');
  });

  it('refuses a URL that is not http(s)', async () => {
    const error = await failureOf(httpRequest('ftp://127.0.0.1/', { timeoutMs: 1_000 }));
    expect(error.kind).toBe('network');
  });
});
