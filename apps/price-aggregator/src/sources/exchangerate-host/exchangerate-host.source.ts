import type {
  HttpRequestSpec,
  HttpSourceDefinition,
  Pair,
  SourceContext,
  SourceErrorKind,
} from '../price-source.js';
import { failAll, pairError, priceFor, upstreamText } from '../source-price.js';
import { exchangeRateHostResponseSchema, type ExchangeRateHostResponse } from './exchangerate-host.schema.js';

const CURRENCY = /^[A-Z]{3}$/;

/** apilayer error codes as our kinds. */
function errorKind(code: number): SourceErrorKind {
  if ([101, 102, 105].includes(code)) return 'unauthorized'; // missing/invalid key, inactive account, not in plan
  if (code === 104) return 'rate_limited'; // monthly quota used up
  if ([106, 201, 202].includes(code)) return 'not_found'; // no rates, unknown source or target currency
  return 'http';
}

/**
 * `/live`, batched over target currencies of one source currency (batchKey = base). The API only
 * takes its key as the `access_key` query parameter, so the request path is a secret: never log it.
 */
export const exchangeRateHostHttp: HttpSourceDefinition<ExchangeRateHostResponse> = {
  id: 'exchangerate-host',
  defaultBaseUrl: 'https://api.exchangerate.host',
  defaultRps: 1,
  /**
   * `timestamp` of the rates: apilayer refreshes them from every 60 s to once a day (free plan), and
   * forex closes at weekends (~2 days, ~3 around Christmas and New Year): one day's refresh on top.
   */
  defaultMaxSourceAgeMs: 4 * 86_400_000,
  maxBatchSize: 50,
  batchKey: (pair: Pair) => pair.base,
  requiresApiKey: true,

  supports: (pair: Pair) => CURRENCY.test(pair.base) && CURRENCY.test(pair.quote) && pair.base !== pair.quote,

  buildRequest(pairs: readonly Pair[], ctx: SourceContext): HttpRequestSpec {
    const source = pairs[0]?.base ?? '';
    const currencies = [...new Set(pairs.filter((p) => p.base === source).map((p) => p.quote))];
    const query = new URLSearchParams({ source, currencies: currencies.join(',') });
    if (ctx.apiKey) query.set('access_key', ctx.apiKey);
    return { path: `/live?${query.toString()}` };
  },

  responseSchema: exchangeRateHostResponseSchema,

  toQuotes(response, pairs) {
    if (!response.success) {
      const { code, type, info } = response.error;
      const detail = upstreamText([type, info].filter(Boolean).join(': '));
      return failAll(pairs, { kind: errorKind(code), message: `exchangerate.host error ${code}: ${detail}` });
    }
    return pairs.map((pair) => {
      if (pair.base !== response.source) {
        return pairError(
          pair,
          'unsupported',
          `exchangerate.host answers one source currency per request (${response.source})`,
        );
      }
      const rate = response.quotes[`${pair.base}${pair.quote}`];
      if (rate === undefined)
        return pairError(pair, 'not_found', `exchangerate.host has no ${pair.base}/${pair.quote} rate`);
      return priceFor(pair, rate, response.timestamp * 1000);
    });
  },
};
