/** Every price source the aggregator knows: adding one is a folder plus one line here. */
import type { PriceSourceModule } from './price-source.js';
import { binance } from './binance/index.js';
import { okx } from './okx/index.js';
import { coingecko } from './coingecko/index.js';
import { kraken } from './kraken/index.js';
import { coinbase } from './coinbase/index.js';
import { cryptocompare } from './cryptocompare/index.js';
import { finnhub } from './finnhub/index.js';
import { alphavantage } from './alphavantage/index.js';
import { exchangerateHost } from './exchangerate-host/index.js';
import { frankfurter } from './frankfurter/index.js';
import { yahoofinance } from './yahoofinance/index.js';
import { kucoin } from './kucoin/index.js';
import { bybit } from './bybit/index.js';

export const sourceModules: readonly PriceSourceModule[] = [
  binance,
  okx,
  coingecko,
  kraken,
  coinbase,
  cryptocompare,
  finnhub,
  alphavantage,
  exchangerateHost,
  frankfurter,
  yahoofinance,
  kucoin,
  bybit,
];
