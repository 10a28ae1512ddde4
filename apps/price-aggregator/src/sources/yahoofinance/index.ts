import type { PriceSourceModule } from '../price-source.js';
import { yahooFinanceHttp } from './yahoofinance.source.js';

/**
 * Yahoo Finance: `/v8/finance/chart/<SYMBOL>`, one pair per request, quotes in fiat only: currency
 * pairs (`EURUSD=X`), mapped crypto assets (`BTC-USD`) and stock-like tickers (`AAPL`). No key.
 */
export const yahoofinance: PriceSourceModule = { http: yahooFinanceHttp };
