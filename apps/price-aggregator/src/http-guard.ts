/**
 * What every request meets before the hot routes, Express and Nest, and what answers the few
 * failures none of them turns into the reference's JSON error body:
 *
 * - a declared `Content-Length` over MAX_REQUEST_BODY_BYTES: 413 from the headers, connection
 *   closed (body-parser would read the whole body, however long, before answering);
 * - a request target that is neither origin-form (`/quotes/batch?…`) nor a valid http(s)
 *   absolute-form (`http://host/health`, served by its path as Express parses it): 400;
 * - whatever Express would answer with its own HTML page (its final handler; Nest's not-found and
 *   error handlers are middleware, which a path Express cannot parse never reaches): JSON;
 * - a request Node cannot parse at all (`clientError`): JSON 400 (431, 408, 413 where Node's own
 *   answer would say so) instead of a bare `HTTP/1.1 400 Bad Request`.
 *
 * Every answer is `{statusCode, timestamp, message}` and none echoes the request. Clients' mistakes
 * are logged at debug only.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  BadRequestException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import { answerClientError } from '@oracle/core';
import type { Logger } from '@oracle/logger';
import { errorBody } from './app-exception.filter.js';
import { sendJson } from './quotes/json-response.js';

/** The largest request body accepted (the JSON of `POST /quotes/batch`); body-parser gets the same limit. */
export const MAX_REQUEST_BODY_BYTES = 100 * 1024;

/** A `request` listener that may be given a final handler, as Express's app may. */
type InnerListener = (req: IncomingMessage, res: ServerResponse, done?: (error?: unknown) => void) => void;

/** Puts the guard in front of every `request` listener `server` has now, and answers its `clientError`s. */
export function guardHttpServer(server: Server, logger: Logger): void {
  const inner = server.listeners('request') as InnerListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const refusal = refuse(req);
    if (refusal) {
      logger.debug({ method: req.method, status: refusal.getStatus() }, 'Request refused');
      if (refusal instanceof PayloadTooLargeException) res.setHeader('Connection', 'close');
      sendError(res, refusal, logger);
      return;
    }
    const done = (error?: unknown): void => finalHandler(res, error, logger);
    for (const listener of inner) listener.call(server, req, res, done);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // Any client can cause it: debug.
    logger.debug({ code: error.code, reason: error.message }, 'Malformed HTTP request');
    answerClientError(error, socket, (statusCode, message) =>
      JSON.stringify({ statusCode, timestamp: new Date().toISOString(), message }),
    );
  });
}

function refuse(req: IncomingMessage): HttpException | undefined {
  const length = req.headers['content-length'];
  if (length !== undefined && Number(length) > MAX_REQUEST_BODY_BYTES)
    return new PayloadTooLargeException(`request body over ${MAX_REQUEST_BODY_BYTES} bytes`);
  if (!isWellFormedTarget(req.url ?? '')) return new BadRequestException('malformed request target');
  return undefined;
}

/** Origin-form (appended to an origin, not resolved against it) or http(s) absolute-form, and it parses. */
export function isWellFormedTarget(target: string): boolean {
  const url = target.startsWith('/')
    ? `http://localhost${target}`
    : /^https?:\/\//i.test(target)
      ? target
      : undefined;
  return url !== undefined && URL.canParse(url);
}

/** Express's final handler: nothing matched (a path its router cannot parse), or an error no middleware took. */
function finalHandler(res: ServerResponse, error: unknown, logger: Logger): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendError(res, error === undefined ? new NotFoundException('no such route') : httpError(error), logger);
}

/** An Express-style error (`status`/`statusCode`) as an HttpException whose message is only its status's name. */
function httpError(error: unknown): unknown {
  const { status, statusCode } = (error ?? {}) as { status?: unknown; statusCode?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  if (typeof code !== 'number' || code < 400 || code > 499) return error; // a 500, logged by errorBody
  return new HttpException(STATUS_NAMES[code] ?? 'bad request', code);
}

const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'bad request',
  404: 'not found',
  405: 'method not allowed',
  408: 'request timeout',
  413: 'request body too large',
  415: 'unsupported media type',
  431: 'request header fields too large',
};

function sendError(res: ServerResponse, exception: unknown, logger: Logger): void {
  const body = errorBody(exception, logger);
  sendJson(res, body.statusCode, Buffer.from(JSON.stringify(body)));
}
