import type { PriceSourceModule } from '../price-source.js';
import { coinGeckoHttp } from './coingecko.source.js';

export { coinGeckoGlobal, type GlobalMarketData, type MarketDataDefinition } from './coingecko.global.js';
export { COINGECKO_COIN_IDS, coinGeckoIdOf } from './coingecko.symbols.js';

/**
 * CoinGecko: REST only, batched `/simple/price`. A pair's base is a symbol from
 * COINGECKO_COIN_IDS (`BTC`) or, as in the reference's `/quote/coingecko/ethereum/USD`, a coin
 * id from that map in any case (`ethereum`, `ETHEREUM`). Set `sources.coingecko.baseUrl` to
 * `https://pro-api.coingecko.com` with a pro key; the default public host takes a demo key.
 */
export const coingecko: PriceSourceModule = { http: coinGeckoHttp };
