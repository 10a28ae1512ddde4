import type { HttpRequestSpec, HttpSourceDefinition, Pair, SourceContext } from '../price-source.js';
import { failAll, pairError, priceFor, upstreamText } from '../source-price.js';
import {
  alphaVantageResponseSchema,
  lastRefreshedUtc,
  type AlphaVantageResponse,
} from './alphavantage.schema.js';

const SYMBOL = /^[A-Z0-9]{2,10}$/;

/**
 * `/query?function=CURRENCY_EXCHANGE_RATE`, one pair per request, for physical and digital
 * currencies. The API only takes its key as the `apikey` query parameter, so the request path is
 * a secret: never log it.
 */
export const alphaVantageHttp: HttpSourceDefinition<AlphaVantageResponse> = {
  id: 'alphavantage',
  defaultBaseUrl: 'https://www.alphavantage.co',
  defaultRps: 1,
  /**
   * "6. Last Refreshed" of a fiat rate stops while the forex market is closed: Friday ~22:00 to
   * Sunday ~22:00 UTC, up to ~3 days around Christmas and New Year. A bound of minutes would reject
   * every fiat rate each weekend; crypto rates, refreshed all the time, are held to the same 4 days.
   */
  defaultMaxSourceAgeMs: 4 * 86_400_000,
  maxBatchSize: 1,
  requiresApiKey: true,

  supports: (pair: Pair) => SYMBOL.test(pair.base) && SYMBOL.test(pair.quote) && pair.base !== pair.quote,

  buildRequest(pairs: readonly Pair[], ctx: SourceContext): HttpRequestSpec {
    const [first] = pairs;
    const query = new URLSearchParams({
      function: 'CURRENCY_EXCHANGE_RATE',
      from_currency: first?.base ?? '',
      to_currency: first?.quote ?? '',
    });
    if (ctx.apiKey) query.set('apikey', ctx.apiKey);
    return { path: `/query?${query.toString()}` };
  },

  responseSchema: alphaVantageResponseSchema,

  toQuotes(response, pairs) {
    if ('Note' in response)
      return failAll(pairs, {
        kind: 'rate_limited',
        message: `alphavantage note: ${upstreamText(response.Note)}`,
      });
    if ('Information' in response) {
      return failAll(pairs, {
        kind: 'rate_limited',
        message: `alphavantage information: ${upstreamText(response.Information)}`,
      });
    }
    if ('Error Message' in response) {
      const text = response['Error Message'];
      const kind = /apikey|api key/i.test(text) ? 'unauthorized' : 'not_found';
      return failAll(pairs, { kind, message: `alphavantage error: ${upstreamText(text)}` });
    }
    const rate = response['Realtime Currency Exchange Rate'];
    return pairs.map((pair) => {
      if (rate['1. From_Currency Code'] !== pair.base || rate['3. To_Currency Code'] !== pair.quote) {
        return pairError(
          pair,
          'not_found',
          `alphavantage answered ${rate['1. From_Currency Code']}/${rate['3. To_Currency Code']}`,
        );
      }
      const refreshed = rate['6. Last Refreshed'];
      return priceFor(
        pair,
        rate['5. Exchange Rate'],
        refreshed === undefined ? undefined : Date.parse(lastRefreshedUtc(refreshed)),
      );
    });
  },
};
