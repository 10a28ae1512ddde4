import { request as requestHttp, type IncomingMessage } from 'node:http';
import { request as requestHttps } from 'node:https';

/**
 * One HTTP(S) request with a text body, over node:http. The services use this, not fetch: a
 * process's first fetch (or Headers, Response, WebSocket) loads Node's bundled undici, ~10 MiB of
 * RSS for its whole life, and an oracle node's memory is benchmarked (apps/node-runner/README.md).
 */
export interface HttpRequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT';
  /** Header names in any case; content-length is set from the body. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** From the start of the request to the last byte of the answer. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** A longer answer fails with kind 'too-large' (default 8 MiB). */
  readonly maxResponseBytes?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

/** Why a request got no complete answer. The message names neither the URL nor a header. */
export type HttpFailureKind = 'timeout' | 'aborted' | 'network' | 'too-large';

export class HttpRequestError extends Error {
  constructor(
    readonly kind: HttpFailureKind,
    /** For 'network': the system error code (ECONNREFUSED, ECONNRESET, ...) or the error's message. */
    readonly detail?: string,
  ) {
    super(kind === 'network' ? `network error: ${detail}` : kind === 'too-large' ? 'answer too large' : kind);
    this.name = 'HttpRequestError';
  }
}

/** httpRequest's shape, for code that takes it as a dependency (and tests that pass a fake). */
export type HttpRequestFunction = (url: string, options: HttpRequestOptions) => Promise<HttpResponse>;

const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export const httpRequest: HttpRequestFunction = (url, options) => {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const failure = (error: unknown): HttpRequestError => {
    if (error instanceof HttpRequestError) return error;
    if (timeout.aborted) return new HttpRequestError('timeout');
    if (options.signal?.aborted) return new HttpRequestError('aborted');
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return new HttpRequestError('network', code ?? (error instanceof Error ? error.message : String(error)));
  };
  return new Promise<HttpResponse>((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error('not an http(s) URL');
    } catch (error) {
      reject(new HttpRequestError('network', (error as Error).message));
      return;
    }
    if (signal.aborted) {
      reject(failure(signal.reason));
      return;
    }
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
    const send = target.protocol === 'https:' ? requestHttps : requestHttp;
    const request = send(target, { method: options.method ?? 'GET', headers, signal }, (response) =>
      readBody(response, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES).then(
        (body) => resolve({ status: response.statusCode ?? 0, body }),
        (error: unknown) => reject(failure(error)),
      ),
    );
    request.on('error', (error) => reject(failure(error)));
    request.end(options.body);
  });
};

function readBody(response: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    response.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > maxBytes) {
        response.destroy();
        reject(new HttpRequestError('too-large'));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    // Closed before its end (the server went away, the request was aborted): a network failure.
    response.on('close', () => {
      if (!response.complete) reject(Object.assign(new Error('answer cut off'), { code: 'ECONNRESET' }));
    });
  });
}
