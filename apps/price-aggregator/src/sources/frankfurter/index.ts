import type { PriceSourceModule } from '../price-source.js';
import { frankfurterHttp } from './frankfurter.source.js';

/** Frankfurter: ECB reference rates, `/latest` batched over the quotes of one base. Fiat only, no key. */
export const frankfurter: PriceSourceModule = { http: frankfurterHttp };
