import type { PriceSourceModule } from '../price-source.js';
import { coinbaseHttp, coinbaseStream } from './coinbase.source.js';

export const coinbase: PriceSourceModule = { http: coinbaseHttp, stream: coinbaseStream };
