import type { PriceSourceModule } from '../price-source.js';
import { binanceHttp, binanceStream } from './binance.source.js';

export const binance: PriceSourceModule = { http: binanceHttp, stream: binanceStream };
