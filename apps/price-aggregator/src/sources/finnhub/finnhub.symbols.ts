import type { Pair } from '../price-source.js';

/** Quote currencies of Binance spot markets we read through Finnhub, longest first so suffixes split cleanly. */
const BINANCE_QUOTES = [
  'FDUSD',
  'USDT',
  'USDC',
  'TUSD',
  'BUSD',
  'DAI',
  'BTC',
  'ETH',
  'BNB',
  'EUR',
  'TRY',
  'BRL',
];

const SYMBOL = /^[A-Z0-9]{2,12}$/;

/**
 * Finnhub's name of a crypto market: USD pairs from Coinbase (`COINBASE:BTC-USD`, real USD
 * markets), everything else from Binance (`BINANCE:BTCUSDT`). USD is never silently read as USDT.
 */
export function finnhubSymbolOf(pair: Pair): string {
  return pair.quote === 'USD' ? `COINBASE:${pair.base}-USD` : `BINANCE:${pair.base}${pair.quote}`;
}

/** The inverse of finnhubSymbolOf, for stream trades; undefined for any other market. */
export function pairOfFinnhubSymbol(symbol: string): Pair | undefined {
  const coinbase = /^COINBASE:([A-Z0-9]+)-USD$/.exec(symbol);
  if (coinbase?.[1]) return { base: coinbase[1], quote: 'USD' };
  const binance = /^BINANCE:([A-Z0-9]+)$/.exec(symbol)?.[1];
  const quote = binance
    ? BINANCE_QUOTES.find((q) => binance.endsWith(q) && binance.length > q.length)
    : undefined;
  return binance && quote ? { base: binance.slice(0, -quote.length), quote } : undefined;
}

/** Pairs whose Finnhub symbol maps back to exactly the same pair (so stream trades are never misattributed). */
export function finnhubSupports(pair: Pair): boolean {
  if (!SYMBOL.test(pair.base) || pair.base === pair.quote) return false;
  if (pair.quote !== 'USD' && !BINANCE_QUOTES.includes(pair.quote)) return false;
  const back = pairOfFinnhubSymbol(finnhubSymbolOf(pair));
  return back?.base === pair.base && back.quote === pair.quote;
}
