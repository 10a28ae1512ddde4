/**
 * Kraken spells assets three ways: common tickers in WebSocket v2 ("BTC/USD"), its own codes in
 * REST requests ("XBTUSD", "XDGUSD"), and for pairs listed long ago, legacy X/Z-prefixed asset
 * names in the keys of REST answers ("XXBTZUSD" for XBTUSD). Answers are mapped back to the pair
 * that was asked for, never taken at face value.
 */
import type { Pair } from '../price-source.js';

/** Kraken's REST codes for assets whose common ticker differs. */
const KRAKEN_CODES: Readonly<Record<string, string>> = { BTC: 'XBT', DOGE: 'XDG' };
const COMMON_CODES: Readonly<Record<string, string>> = { XBT: 'BTC', XDG: 'DOGE' };

/** Legacy asset names: X for crypto, Z for fiat (Kraken's AssetPairs `base`/`quote` of old pairs). */
const LEGACY_NAMES: Readonly<Record<string, string>> = {
  XBT: 'XXBT',
  ETH: 'XETH',
  LTC: 'XLTC',
  XRP: 'XXRP',
  XLM: 'XXLM',
  XMR: 'XXMR',
  ETC: 'XETC',
  ZEC: 'XZEC',
  MLN: 'XMLN',
  REP: 'XREP',
  XDG: 'XXDG',
  USD: 'ZUSD',
  EUR: 'ZEUR',
  GBP: 'ZGBP',
  CAD: 'ZCAD',
  JPY: 'ZJPY',
  AUD: 'ZAUD',
};

export const krakenAsset = (asset: string): string => KRAKEN_CODES[asset] ?? asset;

/** The pair name to ask the REST API for: "BTC/USD" → "XBTUSD". */
export const krakenPairName = (pair: Pair): string => `${krakenAsset(pair.base)}${krakenAsset(pair.quote)}`;

/**
 * The keys under which a REST answer may carry this pair, most likely first:
 * BTC/USD → XBTUSD, XXBTZUSD, XXBTUSD, XBTZUSD; USDT/USD → USDTUSD, USDTZUSD.
 */
export function krakenResultKeys(pair: Pair): string[] {
  const base = krakenAsset(pair.base);
  const quote = krakenAsset(pair.quote);
  const legacyBase = LEGACY_NAMES[base] ?? base;
  const legacyQuote = LEGACY_NAMES[quote] ?? quote;
  return [...new Set([base + quote, legacyBase + legacyQuote, legacyBase + quote, base + legacyQuote])];
}

/** WebSocket v2 symbol: "BTC/USD" (common tickers, not XBT). */
export const krakenWsSymbol = (pair: Pair): string => `${pair.base}/${pair.quote}`;

/** "BTC/USD" (or a stray "XBT/USD") → BTC/USD. */
export function pairFromKrakenWsSymbol(symbol: string): Pair | undefined {
  const [base, quote, ...rest] = symbol.split('/');
  if (!base || !quote || rest.length > 0) return undefined;
  return { base: COMMON_CODES[base] ?? base, quote: COMMON_CODES[quote] ?? quote };
}
