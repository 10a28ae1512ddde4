import type { PriceSourceModule } from '../price-source.js';
import { exchangeRateHostHttp } from './exchangerate-host.source.js';

/** exchangerate.host (apilayer): `/live`, batched over the targets of one source currency. Needs an access key. */
export const exchangerateHost: PriceSourceModule = { http: exchangeRateHostHttp };
