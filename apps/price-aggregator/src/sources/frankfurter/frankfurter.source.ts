import type { HttpRequestSpec, HttpSourceDefinition, Pair } from '../price-source.js';
import { failAll, pairError, priceFor, upstreamText } from '../source-price.js';
import { utcDayStartMs } from '../source-timestamp.js';
import { frankfurterResponseSchema, type FrankfurterResponse } from './frankfurter.schema.js';
import { FRANKFURTER_CURRENCIES } from './frankfurter.symbols.js';

/**
 * `/latest`, batched over the quotes of one base (batchKey = base). ECB rates carry a day, not a
 * time: a quote's source timestamp is the start (00:00 UTC) of its `date`. No API key.
 */
export const frankfurterHttp: HttpSourceDefinition<FrankfurterResponse> = {
  id: 'frankfurter',
  defaultBaseUrl: 'https://api.frankfurter.app',
  defaultRps: 10,
  /**
   * The ECB publishes once per TARGET working day (~16:00 CET): none at weekends, on New Year's Day,
   * Good Friday, Easter Monday, 1 May, 25 and 26 December. Over Easter (and when Christmas falls on a
   * Monday or Thursday) a day's rates stay the latest until the 5th day after, ~5 d 15 h after that
   * day's 00:00 UTC; 6 days fits that, a week-long outage does not.
   */
  defaultMaxSourceAgeMs: 6 * 86_400_000,
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
      return priceFor(pair, rate, utcDayStartMs(response.date));
    });
  },
};
