import type { Pair } from '../price-source.js';

/** "BTC/USDT" → "BTC-USDT", KuCoin's spot symbol. */
export const kucoinSymbol = (pair: Pair): string => `${pair.base}-${pair.quote}`;

/** "BTC-USDT" → BTC/USDT; undefined for anything else. */
export function pairFromKucoinSymbol(symbol: string): Pair | undefined {
  const [base, quote, ...rest] = symbol.split('-');
  return base && quote && rest.length === 0 ? { base, quote } : undefined;
}
