import { normalizeDecimal } from '@oracle/core';
import type { SourceId, SourcePairError, SourcePrice } from './price-source.js';

/** A price must be a positive decimal; it comes back normalised, or as an `invalid_price` error for its pair. */
export function checkedPrice(source: SourceId, quote: SourcePrice): SourcePrice | SourcePairError {
  const price = normalizeDecimal(quote.price);
  if (price === undefined || price.startsWith('-') || !/[1-9]/.test(price)) {
    return {
      pair: quote.pair,
      error: {
        kind: 'invalid_price',
        message: `${source}: price ${JSON.stringify(quote.price)} is not a positive decimal`,
      },
    };
  }
  return price === quote.price ? quote : { ...quote, price };
}
