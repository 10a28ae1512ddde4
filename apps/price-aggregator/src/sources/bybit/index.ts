import type { PriceSourceModule } from '../price-source.js';
import { bybitHttp, bybitStream } from './bybit.source.js';

export const bybit: PriceSourceModule = { http: bybitHttp, stream: bybitStream };
