import type { AddressInfo } from 'node:net';
import { BadRequestException, HttpException } from '@nestjs/common';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@oracle/logger';
import { rawHttp } from '@oracle/testing';
import { errorBody } from './app-exception.filter.js';
import { ManualClock } from './clock.js';
import {
  httpServerOptions,
  isWellFormedTarget,
  MAX_REQUEST_BODY_BYTES,
  refuseMalformedTargets,
  servedPath,
} from './http-guard.js';

const clock = new ManualClock(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
const STAMP = '2026-01-02T03:04:05.006Z';

let server: FastifyInstance | undefined;
let lines: string[] = [];
const logger = createLogger({
  service: 'guard-test',
  level: 'trace',
  destination: { write: (l) => lines.push(l) },
});
const errorLines = (): string[] => lines.filter((line) => /"level":"(error|fatal)"/.test(line));

/**
 * Fastify as the application builds it (http-guard's options and hook), with a route that answers
 * its own path and an error handler that answers as Nest's does, through errorBody. Resolves its port.
 */
async function start(): Promise<{ port: number; reached: string[] }> {
  lines = [];
  const reached: string[] = [];
  server = Fastify(httpServerOptions(logger, clock));
  refuseMalformedTargets(server, logger, clock);
  server.setErrorHandler((error, _request, reply) => {
    const body = errorBody(error, logger, clock.now());
    void reply.code(body.statusCode).send(body);
  });
  server.get('/*', (request) => (reached.push(request.url), { path: request.url }));
  server.post('/quotes/batch', (request) => (reached.push('POST'), { body: request.body }));
  await server.listen({ port: 0, host: '127.0.0.1' });
  return { port: (server.server.address() as AddressInfo).port, reached };
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const get = (port: number, target: string) =>
  rawHttp(port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);

const json = (body: string): unknown => JSON.parse(body);

describe('the HTTP guard', () => {
  it('answers a malformed request target 400 before any route, and serves absolute-form by its path', async () => {
    const { port, reached } = await start();
    for (const target of ['http://[::1/x', 'http://%zz/', 'http://h:99999/']) {
      const answer = await get(port, target);
      expect({ target, status: answer.status }).toEqual({ target, status: 400 });
      expect(answer.head).toMatch(/content-type: application\/json/i);
      expect(json(answer.body)).toEqual({
        statusCode: 400,
        timestamp: STAMP,
        message: 'malformed request target',
      });
    }
    expect(reached).toEqual([]);
    expect(json((await get(port, 'http://elsewhere/health?x=1')).body)).toEqual({ path: '/health?x=1' });
    expect((await get(port, '//x')).status).toBe(200); // a path, for the router to find or not
    expect(errorLines()).toEqual([]);
    expect(isWellFormedTarget('/quotes/batch?pairs=BTC-USD')).toBe(true);
    expect(isWellFormedTarget('*')).toBe(false);
    expect(servedPath('HTTPS://Host:8443/quote/a/b/c')).toBe('/quote/a/b/c');
  });

  it('answers a path whose percent-encoding does not decode 400 in JSON, echoing nothing', async () => {
    const { port } = await start();
    const answer = await get(port, '/quote/binance/%E0%A4%A/USD');
    expect(answer.status).toBe(400);
    expect(json(answer.body)).toEqual({
      statusCode: 400,
      timestamp: STAMP,
      message: 'malformed percent-encoding in the path',
    });
  });

  it('answers a declared body over the limit 413 from the headers, and closes the connection', async () => {
    const { port, reached } = await start();
    // Only the headers are sent: an answer at all means it came before the body.
    const answer = await rawHttp(
      port,
      'POST /quotes/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n',
    );
    expect(answer.status).toBe(413);
    expect(answer.head).toMatch(/^connection: close/im);
    expect(answer.closedByServer).toBe(true);
    expect(json(answer.body)).toEqual({
      statusCode: 413,
      timestamp: STAMP,
      message: `request body over ${MAX_REQUEST_BODY_BYTES} bytes`,
    });
    expect(reached).toEqual([]);
    const atLimit = JSON.stringify(['x'.repeat(MAX_REQUEST_BODY_BYTES - 4)]);
    const accepted = await rawHttp(
      port,
      `POST /quotes/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${atLimit.length}\r\nConnection: close\r\n\r\n${atLimit}`,
    );
    expect(accepted.status).toBe(200);
  });

  it('answers a body that is not JSON 400 without quoting it', async () => {
    const { port } = await start();
    const body = '{"apiKey": sk-live-123}';
    const answer = await rawHttp(
      port,
      `POST /quotes/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(answer.status).toBe(400);
    expect(json(answer.body)).toEqual({
      statusCode: 400,
      timestamp: STAMP,
      message: 'request body is not valid JSON',
    });
    expect(answer.body).not.toContain('sk-live');
    expect(errorLines()).toEqual([]);
  });

  it("answers a request Node cannot parse in JSON instead of Node's bare 400", async () => {
    const { port } = await start();
    const answer = await rawHttp(port, 'GARBAGE\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(answer.head).toMatch(/content-type: application\/json/i);
    expect(answer.closedByServer).toBe(true);
    expect(json(answer.body)).toEqual({ statusCode: 400, timestamp: STAMP, message: 'bad request' });
    expect(errorLines()).toEqual([]);
  });
});

describe('error bodies', () => {
  it('say what a route threw, and log only server faults', () => {
    lines = [];
    expect(errorBody(new BadRequestException('no pairs requested'), logger, clock.now())).toEqual({
      statusCode: 400,
      timestamp: STAMP,
      message: 'no pairs requested',
    });
    expect(errorBody(new Error('database password hunter2'), logger, clock.now())).toMatchObject({
      statusCode: 500,
      message: 'internal error',
    });
    expect(errorLines()).toHaveLength(1);
  });

  it('do not quote a Fastify refusal that Nest hands on wrapped (its message may quote the request)', () => {
    const parse = Object.assign(new SyntaxError('Unexpected token s in JSON: {"apiKey": sk-live-123}'), {
      statusCode: 400,
    });
    const wrapped = new HttpException(parse.message, 400, { cause: parse });
    expect(errorBody(wrapped, logger, clock.now()).message).toBe('request body is not valid JSON');
    const media = Object.assign(new Error('Unsupported Media Type: text/x-secret'), {
      statusCode: 415,
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
    });
    expect(
      errorBody(new HttpException(media.message, 415, { cause: media }), logger, clock.now()),
    ).toMatchObject({
      statusCode: 415,
      message: 'unsupported media type',
    });
  });
});
