/**
 * Small pure helpers every source definition uses to turn upstream values into results:
 * a positive normalised decimal string, or a per-pair SourceError.
 */
import { normalizeDecimal, numberToDecimalString } from '@oracle/core';
import {
  pairKey,
  type Pair,
  type SourceError,
  type SourceErrorKind,
  type SourcePairError,
  type SourcePrice,
} from './price-source.js';

const PLAIN_SYMBOL = /^[A-Z0-9]{1,20}$/;

/** Whether both assets are plain symbols (upper-case letters and digits), all most exchanges list. */
export const hasPlainSymbols = (pair: Pair): boolean =>
  PLAIN_SYMBOL.test(pair.base) && PLAIN_SYMBOL.test(pair.quote);

/** What a source makes of one pair: its price, or why it has none. */
export type PriceResult = SourcePrice | SourcePairError;

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
export function priceFor(pair: Pair, raw: unknown, sourceTimestampMs?: number): PriceResult {
  const price =
    typeof raw === 'number'
      ? numberToDecimalString(raw)
      : typeof raw === 'string'
        ? normalizeDecimal(raw)
        : undefined;
  if (price === undefined)
    return pairError(pair, 'invalid_price', `price of ${pairKey(pair)} is not a number (${describe(raw)})`);
  if (price === '0' || price.startsWith('-'))
    return pairError(pair, 'invalid_price', `price of ${pairKey(pair)} is not positive (${price})`);
  const timestamped =
    sourceTimestampMs !== undefined && Number.isFinite(sourceTimestampMs) && sourceTimestampMs > 0;
  return timestamped ? { pair, price, sourceTimestampMs } : { pair, price };
}

/**
 * The answer to a request naming a symbol the exchange does not know (`message` says so): not_found
 * for a request of one pair; for a batch, which the exchange rejects as a whole, an HTTP 400 that
 * tells the caller to ask for the pairs one by one.
 */
export function unknownSymbolError(message: string, batchSize: number): SourceError {
  if (batchSize === 1) return { kind: 'not_found', message };
  return {
    kind: 'http',
    status: 400,
    message: `${message}: one of the ${batchSize} pairs of this batch is unknown; ask for them one by one`,
  };
}

export function isSourcePrice(result: PriceResult): result is SourcePrice {
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
