/** The 13 price sources. The id is the URL spelling of the reference implementation (`/quote/:source/...`). */
export const SOURCE_IDS = [
  'binance',
  'okx',
  'coingecko',
  'kraken',
  'coinbase',
  'cryptocompare',
  'finnhub',
  'alphavantage',
  'exchangerate-host',
  'frankfurter',
  'yahoofinance',
  'kucoin',
  'bybit',
] as const;

export type SourceId = (typeof SOURCE_IDS)[number];

/** Configuration key of each source under `priceAggregatorConfig.sources` (the reference spells one differently). */
export const SOURCE_CONFIG_KEYS = {
  binance: 'binance',
  okx: 'okx',
  coingecko: 'coingecko',
  kraken: 'kraken',
  coinbase: 'coinbase',
  cryptocompare: 'cryptocompare',
  finnhub: 'finnhub',
  alphavantage: 'alphavantage',
  'exchangerate-host': 'exchangeratehost',
  frankfurter: 'frankfurter',
  yahoofinance: 'yahoofinance',
  kucoin: 'kucoin',
  bybit: 'bybit',
} as const satisfies Record<SourceId, string>;

export type SourceConfigKey = (typeof SOURCE_CONFIG_KEYS)[SourceId];

/** Sources that cannot be used without an API key. */
export const SOURCES_REQUIRING_API_KEY: readonly SourceId[] = ['cryptocompare', 'finnhub', 'alphavantage'];

export function isSourceId(value: string): value is SourceId {
  return (SOURCE_IDS as readonly string[]).includes(value);
}
