/** The pair list of a batch request, from its query or its body. */
import type { Pair } from '../sources/price-source.js';
import { parsePair } from './pair-routes.js';
import { QuoteError } from './quote-error.js';

/** Most pairs one batch request may ask for. */
export const MAX_BATCH_PAIRS = 500;

/** `?pairs=BTC-USD,ETH-USD` (also `BTC/USD`, or the parameter repeated): the parsed query's `pairs` value. Throws QuoteError. */
export function pairsFromQuery(value: unknown): Pair[] {
  const items = (Array.isArray(value) ? value : [value])
    .filter((p): p is string => typeof p === 'string')
    .flatMap((p) => p.split(','));
  return toPairs(items.filter((p) => p.trim() !== ''));
}

/** "BTC/USD" or "BTC-USD" items → pairs. Throws QuoteError (400) on none, too many, or a malformed one. */
export function toPairs(items: readonly string[]): Pair[] {
  if (items.length === 0) throw new QuoteError(400, 'no pairs requested');
  if (items.length > MAX_BATCH_PAIRS)
    throw new QuoteError(400, `at most ${MAX_BATCH_PAIRS} pairs per request`);
  return items.map((item) => {
    const pair = parsePair(item.trim());
    if (!pair)
      throw new QuoteError(400, `invalid pair ${JSON.stringify(item)}; expected BASE-QUOTE or BASE/QUOTE`);
    return pair;
  });
}
