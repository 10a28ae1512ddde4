/**
 * Small pure helpers the stream definitions share to turn one text frame into a StreamEvent:
 * the frame as a JSON object, and error and price events.
 */
import { err, ok, type Result } from '@oracle/core';
import type { z } from 'zod';
import type { SourceErrorKind, SourceId, SourcePairError, StreamEvent } from './price-source.js';
import { isSourcePrice, type PriceResult } from './source-price.js';

/** An error event whose message names the source's stream ("kraken stream: ..."). */
export const streamError = (source: SourceId, kind: SourceErrorKind, message: string): StreamEvent => ({
  type: 'error',
  error: { kind, message: `${source} stream: ${message}` },
});

/** A text frame as a JSON object, or the bad_json / schema error event that says why it is not one. */
export function jsonFrame(source: SourceId, text: string): Result<object, StreamEvent> {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return err(streamError(source, 'bad_json', `frame is not JSON: ${text.slice(0, 80)}`));
  }
  if (typeof frame !== 'object' || frame === null)
    return err(streamError(source, 'schema', 'frame is not an object'));
  return ok(frame);
}

/** A frame that does not match its zod schema, as a schema error event naming the fields that changed shape. */
export const schemaError = (source: SourceId, error: z.ZodError): StreamEvent =>
  streamError(source, 'schema', zodIssues(error));

/** A zod failure as "path: problem; ...". */
const zodIssues = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');

/** The good prices of one frame; when there are none, the first failure as an error event. */
export function pricesEvent(results: readonly PriceResult[]): StreamEvent {
  const prices = results.filter(isSourcePrice);
  const failure = results.find((result): result is SourcePairError => !isSourcePrice(result));
  return prices.length === 0 && failure
    ? { type: 'error', error: failure.error }
    : { type: 'prices', prices };
}
