import type { Pair } from '../price-source.js';

/** "BTC/USDT" → "BTC-USDT", OKX's instrument id of a spot pair. */
export const okxInstId = (pair: Pair): string => `${pair.base}-${pair.quote}`;

/** "BTC-USDT" → BTC/USDT; undefined for ids that are not BASE-QUOTE (swaps, futures, options). */
export function pairFromOkxInstId(instId: string): Pair | undefined {
  const [base, quote, ...rest] = instId.split('-');
  return base && quote && rest.length === 0 ? { base, quote } : undefined;
}
