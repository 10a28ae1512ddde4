import type { Pair } from '../price-source.js';

/** Quote assets of Binance spot symbols, longest first so that "BTCFDUSD" splits as BTC/FDUSD. */
const QUOTE_ASSETS = (
  'FDUSD USDT USDC TUSD BUSD USDP EURI IDRT BIDR DOGE BTC ETH BNB DAI XRP TRX SOL ' +
  'EUR GBP TRY BRL AUD JPY MXN ARS COP ZAR UAH PLN RON CZK'
)
  .split(' ')
  .sort((a, b) => b.length - a.length);

/** "BTC/USDT" → "BTCUSDT", the REST spelling. */
export const binanceSymbol = (pair: Pair): string => `${pair.base}${pair.quote}`;

/** "BTC/USDT" → "btcusdt@miniTicker", the stream name (symbols are lower-case in stream names). */
export const binanceMiniTickerStream = (pair: Pair): string =>
  `${binanceSymbol(pair).toLowerCase()}@miniTicker`;

/** "BTCUSDT" → BTC/USDT, by its quote asset; undefined when the quote is not a known one. */
export function pairFromBinanceSymbol(symbol: string): Pair | undefined {
  const quote = QUOTE_ASSETS.find((q) => symbol.length > q.length && symbol.endsWith(q));
  return quote ? { base: symbol.slice(0, -quote.length), quote } : undefined;
}
