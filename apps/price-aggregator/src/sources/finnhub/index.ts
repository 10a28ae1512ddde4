import type { PriceSourceModule } from '../price-source.js';
import { finnhubHttp } from './finnhub.source.js';
import { finnhubStream } from './finnhub.stream.js';

/**
 * Finnhub: `/api/v1/quote` plus the trades WebSocket. Crypto pairs only: USD pairs read
 * Coinbase's market (`COINBASE:BTC-USD`), other quotes Binance's (`BINANCE:ETHUSDT`). Needs an API key.
 */
export const finnhub: PriceSourceModule = { http: finnhubHttp, stream: finnhubStream };
