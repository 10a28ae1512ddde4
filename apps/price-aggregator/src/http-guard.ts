/**
 * What Fastify answers before any route runs, answered as the reference's JSON
 * `{statusCode, timestamp, message}` like every route's error (AppExceptionFilter):
 *
 * - a declared `Content-Length` over MAX_REQUEST_BODY_BYTES: 413 from the headers, connection
 *   closed (Fastify's `bodyLimit`; its error reaches the filter through Nest's error handler);
 * - a request target that is neither origin-form (`/quotes/batch?…`) nor a valid http(s)
 *   absolute-form (`http://host/health`, served by its path): 400;
 * - a path whose percent-encoding does not decode: 400;
 * - a request Node cannot parse at all (`clientError`): JSON 400 (431, 408, 413 where Node's own
 *   answer would say so) instead of a bare `HTTP/1.1 400 Bad Request`.
 *
 * None echoes the request. Clients' mistakes are logged at debug only.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { answerClientError } from '@oracle/core';
import type { Logger } from '@oracle/logger';
import type { Clock } from './clock.js';

/** The largest request body accepted (the JSON of `POST /quotes/batch`). */
export const MAX_REQUEST_BODY_BYTES = 100 * 1024;

/** Where a malformed target is routed: nowhere, so the guard's hook answers it. */
const MALFORMED_PATH = '/.malformed-request-target';

interface JsonError {
  readonly statusCode: number;
  readonly timestamp: string;
  readonly message: string;
}

const jsonError = (clock: Pick<Clock, 'now'>, statusCode: number, message: string): JsonError => ({
  statusCode,
  timestamp: new Date(clock.now()).toISOString(),
  message,
});

/** Fastify's server options: the body limit, absolute-form targets, and its own errors in our shape. */
export function httpServerOptions(logger: Logger, clock: Pick<Clock, 'now'>): FastifyServerOptions {
  return {
    bodyLimit: MAX_REQUEST_BODY_BYTES,
    rewriteUrl: (req: IncomingMessage) => servedPath(req.url ?? '/'),
    frameworkErrors: (error, _request, reply) => {
      logger.debug({ code: error.code }, 'Request refused');
      void (reply as FastifyReply)
        .code(400)
        .send(jsonError(clock, 400, 'malformed percent-encoding in the path'));
    },
    clientErrorHandler: (error: NodeJS.ErrnoException, socket: Socket) => {
      // Any client can cause it: debug.
      logger.debug({ code: error.code, reason: error.message }, 'Malformed HTTP request');
      answerClientError(error, socket, (statusCode, message) =>
        JSON.stringify(jsonError(clock, statusCode, message)),
      );
    },
  };
}

/** Answers 400 to the requests `rewriteUrl` found malformed, before anything else looks at them. */
export function refuseMalformedTargets(
  fastify: FastifyInstance,
  logger: Logger,
  clock: Pick<Clock, 'now'>,
): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.url !== MALFORMED_PATH) {
      done();
      return;
    }
    logger.debug({ method: request.method, status: 400 }, 'Request refused');
    void reply.code(400).send(jsonError(clock, 400, 'malformed request target'));
  });
}

/**
 * The path a target is served by: origin-form as it is; a valid http(s) absolute-form by its path
 * and query; anything else MALFORMED_PATH.
 */
export function servedPath(target: string): string {
  if (target.startsWith('/')) return URL.canParse(`http://localhost${target}`) ? target : MALFORMED_PATH;
  if (!/^https?:\/\//i.test(target) || !URL.canParse(target)) return MALFORMED_PATH;
  const url = new URL(target);
  return `${url.pathname}${url.search}`;
}

/** Whether a target is origin-form, or http(s) absolute-form that parses. */
export function isWellFormedTarget(target: string): boolean {
  return servedPath(target) !== MALFORMED_PATH;
}
