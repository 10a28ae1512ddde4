import type { ExchangeHandler } from '../types.js';
import { createBinanceExchange } from './binance.js';
import { createBybitExchange } from './bybit.js';
import { createCoinbaseExchange } from './coinbase.js';
import { createKrakenExchange } from './kraken.js';
import { createKucoinExchange } from './kucoin.js';
import { createOkxExchange } from './okx.js';

/** One factory per exchange, alphabetical; every server instance creates fresh handlers. */
export const EXCHANGE_FACTORIES: ReadonlyArray<() => ExchangeHandler> = [
  createBinanceExchange,
  createBybitExchange,
  createCoinbaseExchange,
  createKrakenExchange,
  createKucoinExchange,
  createOkxExchange,
];

/** The source ids the fake exchange speaks for. */
export const EXCHANGE_IDS: readonly string[] = EXCHANGE_FACTORIES.map((create) => create().id);
