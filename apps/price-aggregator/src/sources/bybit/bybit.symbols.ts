import type { Pair } from '../price-source.js';

/** Quote assets of Bybit spot symbols, longest first. */
const QUOTE_ASSETS = 'USDT USDC USDE DAI BTC ETH MNT EUR BRL TRY PLN'
  .split(' ')
  .sort((a, b) => b.length - a.length);

/** "BTC/USDT" → "BTCUSDT". */
export const bybitSymbol = (pair: Pair): string => `${pair.base}${pair.quote}`;

/** "BTC/USDT" → "tickers.BTCUSDT", the stream topic. */
export const bybitTickerTopic = (pair: Pair): string => `tickers.${bybitSymbol(pair)}`;

/** "BTCUSDT" → BTC/USDT, by its quote asset; undefined when the quote is not a known one. */
export function pairFromBybitSymbol(symbol: string): Pair | undefined {
  const quote = QUOTE_ASSETS.find((q) => symbol.length > q.length && symbol.endsWith(q));
  return quote ? { base: symbol.slice(0, -quote.length), quote } : undefined;
}
