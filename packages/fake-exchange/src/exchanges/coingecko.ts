/**
 * CoinGecko: `GET /api/v3/simple/price` (ids × vs_currencies) and `GET /api/v3/global`. Prices are
 * set on the market by symbol (BTC/USD); COIN_DATABASE plays CoinGecko's own coin list, turning
 * the ids a client asks for into those symbols. `/global` reports the pseudo pairs TOTAL/<CUR>
 * as the total market cap in <cur>.
 */
import { faultedPrice, hasSchemaFault, json } from '../exchange-kit.js';
import type { ExchangeHandler, FakeHttpRequest, FakeHttpResponse, Market } from '../types.js';

const ID = 'coingecko';

/** CoinGecko's coins (id → symbol) that the fake knows. */
const COIN_DATABASE: Readonly<Record<string, string>> = {
  bitcoin: 'BTC',
  ethereum: 'ETH',
  tether: 'USDT',
  'usd-coin': 'USDC',
  dai: 'DAI',
  'true-usd': 'TUSD',
  frax: 'FRAX',
  'ethena-usde': 'USDE',
  'first-digital-usd': 'FDUSD',
  'paypal-usd': 'PYUSD',
  'euro-coin': 'EURC',
  binancecoin: 'BNB',
  solana: 'SOL',
  ripple: 'XRP',
  dogecoin: 'DOGE',
  cardano: 'ADA',
  tron: 'TRX',
  'avalanche-2': 'AVAX',
  polkadot: 'DOT',
  chainlink: 'LINK',
  'matic-network': 'MATIC',
  'polygon-ecosystem-token': 'POL',
  litecoin: 'LTC',
  'bitcoin-cash': 'BCH',
  'ethereum-classic': 'ETC',
  stellar: 'XLM',
  monero: 'XMR',
  cosmos: 'ATOM',
  near: 'NEAR',
  aptos: 'APT',
  sui: 'SUI',
  'the-open-network': 'TON',
  'hedera-hashgraph': 'HBAR',
  'internet-computer': 'ICP',
  filecoin: 'FIL',
  arbitrum: 'ARB',
  optimism: 'OP',
  'injective-protocol': 'INJ',
  uniswap: 'UNI',
  aave: 'AAVE',
  maker: 'MKR',
  'compound-governance-token': 'COMP',
  'curve-dao-token': 'CRV',
  havven: 'SNX',
  'lido-dao': 'LDO',
  balancer: 'BAL',
  'yearn-finance': 'YFI',
  sushi: 'SUSHI',
  '1inch': '1INCH',
  'frax-share': 'FXS',
  'the-graph': 'GRT',
  'the-sandbox': 'SAND',
  decentraland: 'MANA',
  'axie-infinity': 'AXS',
  apecoin: 'APE',
  'shiba-inu': 'SHIB',
  pepe: 'PEPE',
  'wrapped-bitcoin': 'WBTC',
  'coinbase-wrapped-btc': 'CBBTC',
  weth: 'WETH',
  'staked-ether': 'STETH',
  'wrapped-steth': 'WSTETH',
  'rocket-pool-eth': 'RETH',
  'coinbase-wrapped-staked-eth': 'CBETH',
  'renzo-restaked-eth': 'EZETH',
  'wrapped-eeth': 'WEETH',
};

/** The coin ids the fake answers for (its coin database). */
export const COINGECKO_FAKE_COIN_IDS: readonly string[] = Object.keys(COIN_DATABASE);

const errorBody = (code: number, message: string) => ({
  status: { error_code: code, error_message: message },
});

export function createCoingeckoExchange(): ExchangeHandler {
  return {
    id: ID,
    http(req, market) {
      if (req.path === '/api/v3/simple/price') return simplePrice(req, market);
      if (req.path === '/api/v3/global') return global(market);
      return undefined;
    },
    errorBody: (status) =>
      status === 429
        ? errorBody(
            429,
            "You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits.",
          )
        : status === 401
          ? errorBody(10002, 'API Key Missing')
          : errorBody(status, 'Internal server error'),
  };
}

function simplePrice(req: FakeHttpRequest, market: Market): FakeHttpResponse {
  const ids = list(req.query.get('ids'));
  const currencies = list(req.query.get('vs_currencies'));
  if (ids.length === 0 || currencies.length === 0) {
    return json({ error: 'Missing parameter ids or vs_currencies' }, 400);
  }
  const withTime = req.query.get('include_last_updated_at') === 'true';
  const asText = hasSchemaFault(market, ID);
  const body: Record<string, Record<string, number | string>> = {};
  for (const id of ids) {
    const symbol = COIN_DATABASE[id];
    if (!symbol) continue;
    const coin: Record<string, number | string> = {};
    for (const currency of currencies) {
      const price = faultedPrice(market, ID, { base: symbol, quote: currency.toUpperCase() });
      if (price !== undefined) coin[currency] = asText ? price : Number(price);
    }
    if (Object.keys(coin).length === 0) continue;
    if (withTime) coin.last_updated_at = Math.floor(Date.now() / 1000);
    body[id] = coin;
  }
  return json(body);
}

function global(market: Market): FakeHttpResponse {
  const totals = market.pairs(ID).filter((pair) => pair.base === 'TOTAL');
  const coins = new Set(market.pairs(ID).map((pair) => pair.base));
  coins.delete('TOTAL');
  const marketCap = Object.fromEntries(
    totals.map((pair) => [pair.quote.toLowerCase(), Number(faultedPrice(market, ID, pair))]),
  );
  const data = {
    active_cryptocurrencies: coins.size,
    upcoming_icos: 0,
    ongoing_icos: 0,
    ended_icos: 0,
    markets: market.pairs(ID).length - totals.length,
    [hasSchemaFault(market, ID) ? 'totalMarketCap' : 'total_market_cap']: marketCap,
    total_volume: {},
    market_cap_percentage: {},
    market_cap_change_percentage_24h_usd: 0,
    updated_at: Math.floor(Date.now() / 1000),
  };
  return json({ data });
}

const list = (text: string | null): string[] =>
  (text ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
