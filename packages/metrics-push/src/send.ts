import { err, HttpRequestError, ok, type HttpRequestFunction, type Result } from '@oracle/core';
import type { PushRequest } from './requests.js';

export type PushError =
  | { readonly kind: 'http'; readonly status: number; readonly detail: string }
  | { readonly kind: 'network'; readonly detail: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'aborted' };

/** Worth another attempt: the network, a timeout, 408, 429 and 5xx. Not 4xx (bad body, wrong credentials). */
export function isRetryable(error: PushError): boolean {
  if (error.kind === 'http') return error.status === 408 || error.status === 429 || error.status >= 500;
  return error.kind !== 'aborted';
}

export function describePushError(error: PushError): string {
  switch (error.kind) {
    case 'http':
      return `HTTP ${error.status}${error.detail ? `: ${error.detail}` : ''}`;
    case 'network':
      return `network error: ${error.detail}`;
    case 'timeout':
      return 'timed out';
    case 'aborted':
      return 'aborted';
  }
}

function networkDetail(error: unknown): string {
  if (error instanceof HttpRequestError) return error.detail ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Sends one request; resolves to a Result, never throws. The response body is quoted (shortened) only on errors. */
export async function sendPushRequest(
  send: HttpRequestFunction,
  request: PushRequest,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Result<void, PushError>> {
  try {
    const response = await send(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      timeoutMs,
      signal,
    });
    if (response.status >= 200 && response.status < 300) return ok(undefined);
    return err({ kind: 'http', status: response.status, detail: response.body.trim().slice(0, 200) });
  } catch (error) {
    if (error instanceof HttpRequestError && error.kind === 'timeout') return err({ kind: 'timeout' });
    if (signal.aborted) return err({ kind: 'aborted' });
    return err({ kind: 'network', detail: networkDetail(error) });
  }
}
