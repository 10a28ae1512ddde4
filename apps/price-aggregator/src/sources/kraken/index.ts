import type { PriceSourceModule } from '../price-source.js';
import { krakenHttp, krakenStream } from './kraken.source.js';

export const kraken: PriceSourceModule = { http: krakenHttp, stream: krakenStream };
