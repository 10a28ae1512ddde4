import type { HttpRequestSpec, HttpSourceDefinition, Pair, SourceContext } from '../price-source.js';
import { failAll, pairError, priceFor, upstreamText } from '../source-price.js';
import { alphaVantageResponseSchema, type AlphaVantageResponse } from './alphavantage.schema.js';

const SYMBOL = /^[A-Z0-9]{2,10}$/;

/** "2024-05-08 16:01:01" in UTC as epoch ms; undefined for other zones or shapes. */
function lastRefreshedMs(text: string | undefined, zone: string | undefined): number | undefined {
  if (!text || zone !== 'UTC' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)) return undefined;
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

/**
 * `/query?function=CURRENCY_EXCHANGE_RATE`, one pair per request, for physical and digital
 * currencies. The API only takes its key as the `apikey` query parameter, so the request path is
 * a secret: never log it.
 */
export const alphaVantageHttp: HttpSourceDefinition<AlphaVantageResponse> = {
  id: 'alphavantage',
  defaultBaseUrl: 'https://www.alphavantage.co',
  defaultRps: 1,
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
      return priceFor(
        pair,
        rate['5. Exchange Rate'],
        lastRefreshedMs(rate['6. Last Refreshed'], rate['7. Time Zone']),
      );
    });
  },
};
