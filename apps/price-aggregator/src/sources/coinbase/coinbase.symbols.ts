import type { Pair } from '../price-source.js';

/** "BTC/USD" → "BTC-USD", Coinbase's product id. */
export const coinbaseProductId = (pair: Pair): string => `${pair.base}-${pair.quote}`;

/** "BTC-USD" → BTC/USD; undefined for ids that are not BASE-QUOTE (futures such as "BIT-27JUN25-CDE"). */
export function pairFromCoinbaseProductId(productId: string): Pair | undefined {
  const [base, quote, ...rest] = productId.split('-');
  return base && quote && rest.length === 0 ? { base, quote } : undefined;
}
