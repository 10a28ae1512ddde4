import type { PriceSourceModule } from '../price-source.js';
import { alphaVantageHttp } from './alphavantage.source.js';

/** Alpha Vantage: `CURRENCY_EXCHANGE_RATE`, one pair per request, fiat and crypto. Needs an API key (in the query). */
export const alphavantage: PriceSourceModule = { http: alphaVantageHttp };
