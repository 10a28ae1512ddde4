/**
 * CoinGecko API ids of the assets we quote, by the symbol our clients use. Written by hand and
 * checked against each coin's page (coingecko.com/en/coins/<id>); never generated from
 * `/coins/list`, where many tokens share a symbol: a first-match lookup once mapped BTC to the
 * unrelated token `batcat`. Adding an asset is one line here.
 */
export const COINGECKO_COIN_IDS = {
  BTC: 'bitcoin',
  /** Kraken's spelling of BTC: the one intended alias. */
  XBT: 'bitcoin',
  ETH: 'ethereum',
  USDT: 'tether',
  USDC: 'usd-coin',
  DAI: 'dai',
  TUSD: 'true-usd',
  FRAX: 'frax',
  USDE: 'ethena-usde',
  FDUSD: 'first-digital-usd',
  PYUSD: 'paypal-usd',
  EURC: 'euro-coin',
  BNB: 'binancecoin',
  SOL: 'solana',
  XRP: 'ripple',
  DOGE: 'dogecoin',
  ADA: 'cardano',
  TRX: 'tron',
  AVAX: 'avalanche-2',
  DOT: 'polkadot',
  LINK: 'chainlink',
  MATIC: 'matic-network',
  POL: 'polygon-ecosystem-token',
  LTC: 'litecoin',
  BCH: 'bitcoin-cash',
  ETC: 'ethereum-classic',
  XLM: 'stellar',
  XMR: 'monero',
  ATOM: 'cosmos',
  NEAR: 'near',
  APT: 'aptos',
  SUI: 'sui',
  TON: 'the-open-network',
  HBAR: 'hedera-hashgraph',
  ICP: 'internet-computer',
  FIL: 'filecoin',
  ARB: 'arbitrum',
  OP: 'optimism',
  INJ: 'injective-protocol',
  UNI: 'uniswap',
  AAVE: 'aave',
  MKR: 'maker',
  COMP: 'compound-governance-token',
  CRV: 'curve-dao-token',
  SNX: 'havven',
  LDO: 'lido-dao',
  BAL: 'balancer',
  YFI: 'yearn-finance',
  SUSHI: 'sushi',
  '1INCH': '1inch',
  FXS: 'frax-share',
  GRT: 'the-graph',
  SAND: 'the-sandbox',
  MANA: 'decentraland',
  AXS: 'axie-infinity',
  APE: 'apecoin',
  SHIB: 'shiba-inu',
  PEPE: 'pepe',
  WBTC: 'wrapped-bitcoin',
  CBBTC: 'coinbase-wrapped-btc',
  WETH: 'weth',
  STETH: 'staked-ether',
  WSTETH: 'wrapped-steth',
  RETH: 'rocket-pool-eth',
  CBETH: 'coinbase-wrapped-staked-eth',
  EZETH: 'renzo-restaked-eth',
  WEETH: 'wrapped-eeth',
} as const satisfies Record<string, string>;

export type CoinGeckoSymbol = keyof typeof COINGECKO_COIN_IDS;
export type CoinGeckoCoinId = (typeof COINGECKO_COIN_IDS)[CoinGeckoSymbol];

const KNOWN_IDS: ReadonlySet<string> = new Set(Object.values(COINGECKO_COIN_IDS));

/**
 * The CoinGecko id for a pair's base: a symbol from the map (`BTC` → `bitcoin`), or, for the
 * reference's `/quote/coingecko/ethereum/USD` form, a coin id itself in any case (`ETHEREUM` →
 * `ethereum`, `WRAPPED-STETH` → `wrapped-steth`). Only ids in the map are accepted, so an
 * unknown or look-alike id is refused rather than priced.
 */
export function coinGeckoIdOf(base: string): CoinGeckoCoinId | undefined {
  const bySymbol = (COINGECKO_COIN_IDS as Record<string, CoinGeckoCoinId>)[base];
  if (bySymbol) return bySymbol;
  const asId = base.toLowerCase();
  return KNOWN_IDS.has(asId) ? (asId as CoinGeckoCoinId) : undefined;
}

/** `vs_currencies` CoinGecko quotes in (a subset of `/simple/supported_vs_currencies`), upper-case. */
export const COINGECKO_VS_CURRENCIES: ReadonlySet<string> = new Set(
  (
    'USD EUR GBP JPY CHF CAD AUD NZD CNY HKD SGD KRW INR IDR TWD THB PHP MYR TRY RUB UAH PLN CZK HUF SEK ' +
    'NOK DKK ZAR BRL MXN ARS CLP ILS AED SAR NGN XAU XAG BTC ETH BNB LTC BCH XRP XLM EOS LINK DOT YFI SOL'
  ).split(' '),
);
