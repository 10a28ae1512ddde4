import type { PriceSourceModule } from '../price-source.js';
import { kucoinHttp, kucoinStream } from './kucoin.source.js';

export const kucoin: PriceSourceModule = { http: kucoinHttp, stream: kucoinStream };
