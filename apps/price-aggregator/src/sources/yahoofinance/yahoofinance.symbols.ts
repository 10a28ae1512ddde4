import type { Pair } from '../price-source.js';

/** Fiat currencies Yahoo lists as `BASEQUOTE=X` currency pairs. */
export const YAHOO_FIAT: ReadonlySet<string> = new Set(
  (
    'USD EUR GBP JPY CHF CAD AUD NZD CNY HKD SGD KRW INR IDR TWD THB PHP MYR TRY RUB PLN CZK HUF SEK NOK ' +
    'DKK ZAR BRL MXN ARS CLP COP ILS AED SAR EGP NGN'
  ).split(' '),
);

/**
 * Yahoo's base ticker of each crypto asset we quote (`<base>-<fiat>`). Where symbols collide Yahoo
 * adds a number (Uniswap is `UNI7083-USD`; plain `UNI-USD` is another token), so this map is
 * written by hand, like CoinGecko's. A crypto asset missing here is not priced through Yahoo.
 */
export const YAHOO_CRYPTO_TICKERS = {
  BTC: 'BTC',
  ETH: 'ETH',
  USDT: 'USDT',
  USDC: 'USDC',
  DAI: 'DAI',
  BNB: 'BNB',
  SOL: 'SOL',
  XRP: 'XRP',
  DOGE: 'DOGE',
  ADA: 'ADA',
  TRX: 'TRX',
  AVAX: 'AVAX',
  LINK: 'LINK',
  DOT: 'DOT',
  BCH: 'BCH',
  LTC: 'LTC',
  XLM: 'XLM',
  ATOM: 'ATOM',
  ETC: 'ETC',
  XMR: 'XMR',
  SHIB: 'SHIB',
  WBTC: 'WBTC',
  NEAR: 'NEAR',
  AAVE: 'AAVE',
  FIL: 'FIL',
  ICP: 'ICP',
  UNI: 'UNI7083',
  SUI: 'SUI20947',
  APT: 'APT21794',
} as const satisfies Record<string, string>;

/** What kind of instrument a Yahoo symbol names; checked against the answer's `meta.instrumentType`. */
export type YahooInstrument = 'currency' | 'crypto' | 'security';

export interface YahooSymbol {
  readonly symbol: string;
  readonly instrument: YahooInstrument;
}

const TICKER = /^[A-Z][A-Z0-9.-]{0,9}$/;

/**
 * Yahoo's symbol for a pair quoted in fiat: `EURUSD=X` for currency pairs, `BTC-USD` for crypto
 * assets in YAHOO_CRYPTO_TICKERS, and the ticker itself for stock-like symbols (`AAPL/USD` →
 * `AAPL`; the answer must then be an exchange-listed security priced in that currency).
 */
export function yahooSymbolOf(pair: Pair): YahooSymbol | undefined {
  if (!YAHOO_FIAT.has(pair.quote) || pair.base === pair.quote) return undefined;
  if (YAHOO_FIAT.has(pair.base)) return { symbol: `${pair.base}${pair.quote}=X`, instrument: 'currency' };
  const crypto = (YAHOO_CRYPTO_TICKERS as Record<string, string>)[pair.base];
  if (crypto) return { symbol: `${crypto}-${pair.quote}`, instrument: 'crypto' };
  return TICKER.test(pair.base) ? { symbol: pair.base, instrument: 'security' } : undefined;
}
