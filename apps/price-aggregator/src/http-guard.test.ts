import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BadRequestException } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@oracle/logger';
import { rawHttp } from '@oracle/testing';
import { errorBody } from './app-exception.filter.js';
import { guardHttpServer, isWellFormedTarget, MAX_REQUEST_BODY_BYTES } from './http-guard.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

type Inner = (req: IncomingMessage, res: ServerResponse, done: (error?: unknown) => void) => void;

let server: Server | undefined;
let lines: string[] = [];
const logger = createLogger({
  service: 'guard-test',
  level: 'trace',
  destination: { write: (l) => lines.push(l) },
});
const loggedLevels = (): string[] => lines.map((line) => (JSON.parse(line) as { level: string }).level);
const errorLines = (): string[] => lines.filter((line) => /"level":"(error|fatal)"/.test(line));

/** A server whose only listener is `inner` (Express's place), behind the guard; resolves its port. */
async function start(inner: Inner): Promise<number> {
  lines = [];
  server = createServer(inner as (req: IncomingMessage, res: ServerResponse) => void);
  guardHttpServer(server, logger);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

const get = (port: number, target: string) =>
  rawHttp(port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);

const json = (body: string): unknown => JSON.parse(body);

describe('the HTTP guard', () => {
  it("answers what Express's final handler would answer in HTML as JSON, echoing nothing", async () => {
    const port = await start((req, res, done) => {
      if (req.url === '/unmatched') done();
      else if (req.url === '/client-fault')
        done(Object.assign(new Error('token sk-live-123 rejected'), { status: 415 }));
      else done(new Error('database password hunter2 in a stack'));
    });
    const unmatched = await get(port, '/unmatched');
    expect(unmatched.status).toBe(404);
    expect(unmatched.head).toMatch(/content-type: application\/json/i);
    expect(json(unmatched.body)).toEqual({
      statusCode: 404,
      timestamp: expect.stringMatching(ISO),
      message: 'no such route',
    });
    const clientFault = await get(port, '/client-fault');
    expect(clientFault.status).toBe(415);
    expect(json(clientFault.body)).toMatchObject({ statusCode: 415, message: 'unsupported media type' });
    expect(errorLines()).toEqual([]);

    const serverFault = await get(port, '/server-fault');
    expect(serverFault.status).toBe(500);
    expect(json(serverFault.body)).toMatchObject({ statusCode: 500, message: 'internal error' });
    expect(errorLines()).toHaveLength(1); // a server fault is logged, once
  });

  it('answers a malformed request target 400 before Express sees it, and logs no error', async () => {
    let reached = 0;
    const port = await start((_req, res) => void (reached++, res.end('{}')));
    for (const target of ['http://[::1/x', 'http://%zz/', 'http://h:99999/']) {
      const answer = await get(port, target);
      expect({ target, status: answer.status }).toEqual({ target, status: 400 });
      expect(json(answer.body)).toEqual({
        statusCode: 400,
        timestamp: expect.stringMatching(ISO),
        message: 'malformed request target',
      });
    }
    expect(reached).toBe(0);
    expect((await get(port, 'http://elsewhere/health')).status).toBe(200); // valid absolute-form goes on
    expect((await get(port, '//x')).status).toBe(200); // a path, for the router to find or not
    expect(reached).toBe(2);
    expect(loggedLevels().filter((level) => level === 'error' || level === 'fatal')).toEqual([]);
    expect(isWellFormedTarget('/quotes/batch?pairs=BTC-USD')).toBe(true);
    expect(isWellFormedTarget('*')).toBe(false);
  });

  it('answers a declared body over the limit 413 from the headers, and closes the connection', async () => {
    let reached = 0;
    const port = await start((_req, res) => void (reached++, res.end('{}')));
    // Only the headers are sent: an answer at all means it came before the body.
    const answer = await rawHttp(
      port,
      'POST /quotes/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n',
    );
    expect(answer.status).toBe(413);
    expect(answer.head).toMatch(/^connection: close/im);
    expect(answer.closedByServer).toBe(true);
    expect(json(answer.body)).toMatchObject({
      statusCode: 413,
      message: `request body over ${MAX_REQUEST_BODY_BYTES} bytes`,
    });
    expect(reached).toBe(0);
    const atLimit = await rawHttp(
      port,
      `POST /quotes/batch HTTP/1.1\r\nHost: x\r\nContent-Length: ${MAX_REQUEST_BODY_BYTES}\r\n\r\n`,
      { untilResponse: true },
    );
    expect(atLimit.status).toBe(200);
  });

  it("answers a request Node cannot parse in JSON instead of Node's bare 400", async () => {
    const port = await start((_req, res) => void res.end('{}'));
    const answer = await rawHttp(port, 'GARBAGE\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(answer.head).toMatch(/content-type: application\/json/i);
    expect(answer.closedByServer).toBe(true);
    expect(json(answer.body)).toEqual({
      statusCode: 400,
      timestamp: expect.stringMatching(ISO),
      message: 'bad request',
    });
    expect(loggedLevels().filter((level) => level === 'error' || level === 'fatal')).toEqual([]);
  });
});

describe('error bodies', () => {
  it('do not quote a malformed JSON body or path back', () => {
    const parse = (() => {
      try {
        JSON.parse('{"apiKey": sk-live-123}');
      } catch (error) {
        return error;
      }
    })();
    const body = errorBody(new BadRequestException((parse as Error).message, { cause: parse }), logger);
    expect(body).toMatchObject({ statusCode: 400, message: 'request body is not valid JSON' });
    const uri = new BadRequestException("Failed to decode param '%E0%A4%A'", { cause: new URIError('x') });
    expect(errorBody(uri, logger).message).toBe('malformed percent-encoding in the path');
  });
});
