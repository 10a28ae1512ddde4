import {
  Catch,
  HttpException,
  Inject,
  Injectable,
  NotFoundException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@oracle/logger';
import { Clock } from './clock.js';
import { LOGGER } from './config/config.tokens.js';
import { MAX_REQUEST_BODY_BYTES } from './http-guard.js';
import { QuoteError } from './quotes/quote-error.js';

/** The reference's error body. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly timestamp: string;
  readonly message: string;
}

/**
 * Every error leaves as the reference's JSON `{statusCode, timestamp, message}`: what a route
 * throws, Nest's not-found answer (its message quotes the request; ours does not), and Fastify's
 * own refusals that Nest's error handler passes here (body too large, not JSON, unsupported media
 * type). The few Fastify answers before any of this runs are shaped by http-guard.ts.
 */
@Catch()
@Injectable()
export class AppExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const unrouted = exception instanceof NotFoundException && request.routeOptions.url === undefined;
    const body = errorBody(
      unrouted ? new NotFoundException('no such route') : exception,
      this.logger,
      this.clock.now(),
    );
    void http.getResponse<FastifyReply>().code(body.statusCode).send(body);
  }
}

/** The answer to a request that failed with `exception`; unexpected server errors are logged. */
export function errorBody(exception: unknown, logger: Logger, nowMs: number): ErrorBody {
  const { statusCode, message } = describe(exception);
  if (statusCode >= 500 && !(exception instanceof QuoteError))
    logger.error({ err: exception }, 'Request failed');
  return { statusCode, timestamp: new Date(nowMs).toISOString(), message };
}

function describe(exception: unknown): { statusCode: number; message: string } {
  if (exception instanceof QuoteError) return { statusCode: exception.status, message: exception.message };
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    // Fastify's own refusal, which Nest hands on wrapped: its message may quote the request.
    if (isFrameworkError(exception.cause))
      return { statusCode, message: frameworkMessage(exception.cause, statusCode) };
    const body = exception.getResponse();
    const message =
      typeof body === 'object' && body !== null && 'message' in body
        ? String((body as { message: unknown }).message)
        : exception.message;
    return { statusCode, message };
  }
  if (isFrameworkError(exception) && exception.statusCode >= 400 && exception.statusCode <= 499)
    return { statusCode: exception.statusCode, message: frameworkMessage(exception, exception.statusCode) };
  return { statusCode: 500, message: 'internal error' };
}

interface FrameworkError extends Error {
  readonly statusCode: number;
  readonly code?: string;
}

const isFrameworkError = (error: unknown): error is FrameworkError =>
  error instanceof Error && typeof (error as { statusCode?: unknown }).statusCode === 'number';

/** Fastify's client errors in words that never quote the request. */
function frameworkMessage(error: FrameworkError, statusCode: number): string {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return `request body over ${MAX_REQUEST_BODY_BYTES} bytes`;
  if (
    error instanceof SyntaxError ||
    error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
  )
    return 'request body is not valid JSON';
  return STATUS_NAMES[statusCode] ?? 'bad request';
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
