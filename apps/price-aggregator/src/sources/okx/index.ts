import type { PriceSourceModule } from '../price-source.js';
import { okxHttp, okxStream } from './okx.source.js';

export const okx: PriceSourceModule = { http: okxHttp, stream: okxStream };
