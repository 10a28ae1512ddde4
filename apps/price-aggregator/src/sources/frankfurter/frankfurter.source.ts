import type { HttpRequestSpec, HttpSourceDefinition, Pair } from '../price-source.js';
import { failAll, pairError, priceFor, upstreamText } from '../source-price.js';
import { frankfurterResponseSchema, type FrankfurterResponse } from './frankfurter.schema.js';
import { FRANKFURTER_CURRENCIES } from './frankfurter.symbols.js';

/**
 * `/latest`, batched over the quotes of one base (batchKey = base). ECB rates carry a day, not a
 * time, so quotes have no source timestamp. No API key.
 */
export const frankfurterHttp: HttpSourceDefinition<FrankfurterResponse> = {
  id: 'frankfurter',
  defaultBaseUrl: 'https://api.frankfurter.app',
  defaultRps: 10,
  maxBatchSize: FRANKFURTER_CURRENCIES.size - 1,
  batchKey: (pair: Pair) => pair.base,
  requiresApiKey: false,

  supports: (pair: Pair) =>
    FRANKFURTER_CURRENCIES.has(pair.base) &&
    FRANKFURTER_CURRENCIES.has(pair.quote) &&
    pair.base !== pair.quote,

  buildRequest(pairs: readonly Pair[]): HttpRequestSpec {
    const from = pairs[0]?.base ?? '';
    const to = [...new Set(pairs.filter((p) => p.base === from).map((p) => p.quote))];
    return { path: `/latest?${new URLSearchParams({ from, to: to.join(',') }).toString()}` };
  },

  responseSchema: frankfurterResponseSchema,

  toQuotes(response, pairs) {
    if ('message' in response) {
      const kind = /not found/i.test(response.message) ? 'not_found' : 'http';
      return failAll(pairs, { kind, message: `frankfurter error: ${upstreamText(response.message)}` });
    }
    return pairs.map((pair) => {
      if (pair.base !== response.base) {
        return pairError(pair, 'unsupported', `frankfurter answers one base per request (${response.base})`);
      }
      if (response.amount !== 1)
        return pairError(pair, 'schema', `frankfurter rates are for ${response.amount} units, not 1`);
      const rate = response.rates[pair.quote];
      if (rate === undefined)
        return pairError(pair, 'not_found', `frankfurter has no ${pair.base}/${pair.quote} rate`);
      return priceFor(pair, rate);
    });
  },
};
