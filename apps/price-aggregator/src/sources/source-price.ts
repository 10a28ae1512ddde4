/**
 * Small pure helpers every source definition uses to turn upstream values into results:
 * a positive normalised decimal string, or a per-pair SourceError.
 */
import { normalizeDecimal, numberToDecimalString } from '@oracle/core';
import type { Pair, SourceError, SourceErrorKind, SourcePairError, SourcePrice } from './price-source.js';

export function pairError(pair: Pair, kind: SourceErrorKind, message: string): SourcePairError {
  return { pair, error: { kind, message } };
}

/** The same error for every pair of a request (an API-level error in a 200 body). */
export function failAll(pairs: readonly Pair[], error: SourceError): SourcePairError[] {
  return pairs.map((pair) => ({ pair, error }));
}

/**
 * An upstream price (JSON number or decimal string) as a SourcePrice, or 'invalid_price' when it
 * is missing, non-numeric, zero or negative. `sourceTimestampMs` is kept only when it is a real instant.
 */
export function priceFor(
  pair: Pair,
  raw: unknown,
  sourceTimestampMs?: number,
): SourcePrice | SourcePairError {
  const price =
    typeof raw === 'number'
      ? numberToDecimalString(raw)
      : typeof raw === 'string'
        ? normalizeDecimal(raw)
        : undefined;
  if (price === undefined)
    return pairError(pair, 'invalid_price', `price is not a number (${describe(raw)})`);
  if (price === '0' || price.startsWith('-'))
    return pairError(pair, 'invalid_price', `price is not positive (${price})`);
  const timestamped =
    sourceTimestampMs !== undefined && Number.isFinite(sourceTimestampMs) && sourceTimestampMs > 0;
  return timestamped ? { pair, price, sourceTimestampMs } : { pair, price };
}

export function isSourcePrice(result: SourcePrice | SourcePairError): result is SourcePrice {
  return 'price' in result;
}

/**
 * An upstream error text fit for our own messages: one line, bounded, and with anything that looks
 * like a credential (a long unbroken token) blanked, in case an API ever echoes a key back.
 */
export function upstreamText(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const clipped = oneLine.length > 160 ? `${oneLine.slice(0, 160)}…` : oneLine;
  return clipped.replace(/[A-Za-z0-9_-]{24,}/g, '[redacted]');
}

function describe(raw: unknown): string {
  if (raw === undefined) return 'missing';
  if (raw === null) return 'null';
  return typeof raw === 'string' ? JSON.stringify(raw.slice(0, 40)) : typeof raw;
}
