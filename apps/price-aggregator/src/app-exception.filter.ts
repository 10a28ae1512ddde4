import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from '@oracle/logger';
import { QuoteError } from './quotes/quote-error.js';

interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

/** The reference's error body. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly timestamp: string;
  readonly message: string;
}

/**
 * Every error leaves as the reference's JSON `{statusCode, timestamp, message}`; one Express or
 * Nest never reach is answered alike by http-guard.ts.
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = errorBody(exception, this.logger);
    host.switchToHttp().getResponse<JsonResponse>().status(body.statusCode).json(body);
  }
}

/** The answer to a request that failed with `exception`; unexpected server errors are logged. */
export function errorBody(exception: unknown, logger: Logger): ErrorBody {
  const { statusCode, message } = describe(exception);
  if (statusCode >= 500 && !(exception instanceof QuoteError))
    logger.error({ err: exception }, 'Request failed');
  return { statusCode, timestamp: new Date().toISOString(), message };
}

function describe(exception: unknown): { statusCode: number; message: string } {
  if (exception instanceof QuoteError) return { statusCode: exception.status, message: exception.message };
  if (exception instanceof HttpException) {
    // Express's body-parser and path decoding fail with V8's message, which quotes the request.
    if (exception.cause instanceof SyntaxError)
      return { statusCode: exception.getStatus(), message: 'request body is not valid JSON' };
    if (exception.cause instanceof URIError)
      return { statusCode: exception.getStatus(), message: 'malformed percent-encoding in the path' };
    const body = exception.getResponse();
    const message =
      typeof body === 'object' && body !== null && 'message' in body
        ? String((body as { message: unknown }).message)
        : exception.message;
    return { statusCode: exception.getStatus(), message };
  }
  return { statusCode: 500, message: 'internal error' };
}
