import type { PriceSourceModule } from '../price-source.js';
import { cryptoCompareHttp } from './cryptocompare.source.js';
import { cryptoCompareStream } from './cryptocompare.stream.js';

/** CryptoCompare: batched `/data/pricemulti` (CCCAGG) plus the CCCAGG WebSocket stream. Needs an API key. */
export const cryptocompare: PriceSourceModule = { http: cryptoCompareHttp, stream: cryptoCompareStream };
