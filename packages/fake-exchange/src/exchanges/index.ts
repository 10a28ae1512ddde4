import type { ExchangeHandler } from '../types.js';
import { createAlphavantageExchange } from './alphavantage.js';
import { createBinanceExchange } from './binance.js';
import { createBybitExchange } from './bybit.js';
import { createCoinbaseExchange } from './coinbase.js';
import { createCoingeckoExchange } from './coingecko.js';
import { createCryptocompareExchange } from './cryptocompare.js';
import { createExchangerateHostExchange } from './exchangerate-host.js';
import { createFinnhubExchange } from './finnhub.js';
import { createFrankfurterExchange } from './frankfurter.js';
import { createKrakenExchange } from './kraken.js';
import { createKucoinExchange } from './kucoin.js';
import { createOkxExchange } from './okx.js';
import { createYahoofinanceExchange } from './yahoofinance.js';

/** One factory per exchange, alphabetical; every server instance creates fresh handlers. */
export const EXCHANGE_FACTORIES: ReadonlyArray<() => ExchangeHandler> = [
  createAlphavantageExchange,
  createBinanceExchange,
  createBybitExchange,
  createCoinbaseExchange,
  createCoingeckoExchange,
  createCryptocompareExchange,
  createExchangerateHostExchange,
  createFinnhubExchange,
  createFrankfurterExchange,
  createKrakenExchange,
  createKucoinExchange,
  createOkxExchange,
  createYahoofinanceExchange,
];

/** The source ids the fake exchange speaks for. */
export const EXCHANGE_IDS: readonly string[] = EXCHANGE_FACTORIES.map((create) => create().id);
