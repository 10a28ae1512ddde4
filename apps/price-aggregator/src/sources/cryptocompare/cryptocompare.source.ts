import type {
  HttpRequestSpec,
  HttpSourceDefinition,
  Pair,
  SourceContext,
  SourceError,
} from '../price-source.js';
import { failAll, pairError, priceFor, upstreamText } from '../source-price.js';
import { cryptoCompareResponseSchema, type CryptoCompareResponse } from './cryptocompare.schema.js';

const SYMBOL = /^[A-Z0-9]{1,15}$/;

/** Maps a `"Response":"Error"` body to our kinds. */
export function cryptoCompareError(message: string, type: number | undefined): SourceError {
  const text = `cryptocompare error: ${upstreamText(message)}`;
  if (type === 99 || /rate limit/i.test(message)) return { kind: 'rate_limited', message: text };
  if (/api[ _]?key|auth/i.test(message)) return { kind: 'unauthorized', message: text };
  // What remains is about the symbols asked for (no market for the pair, invalid fsyms/tsyms).
  return { kind: 'not_found', message: text };
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];

/**
 * `/data/pricemulti`, batched. CryptoCompare caps `fsyms` at 300 characters: 40 pairs of
 * symbols up to 6 letters stay below it.
 */
export const cryptoCompareHttp: HttpSourceDefinition<CryptoCompareResponse> = {
  id: 'cryptocompare',
  defaultBaseUrl: 'https://min-api.cryptocompare.com',
  defaultRps: 25,
  /** `pricemulti` carries no time; the stream's LASTUPDATE (seconds) is when the CCCAGG index last moved. */
  defaultMaxSourceAgeMs: 60_000,
  maxBatchSize: 40,
  requiresApiKey: true,

  supports: (pair: Pair) => SYMBOL.test(pair.base) && SYMBOL.test(pair.quote) && pair.base !== pair.quote,

  buildRequest(pairs: readonly Pair[], ctx: SourceContext): HttpRequestSpec {
    const query = new URLSearchParams({
      fsyms: unique(pairs.map((p) => p.base)).join(','),
      tsyms: unique(pairs.map((p) => p.quote)).join(','),
    });
    // The documented header form keeps the key out of URLs (and so out of access logs).
    const headers: Record<string, string> = ctx.apiKey ? { authorization: `Apikey ${ctx.apiKey}` } : {};
    return { path: `/data/pricemulti?${query.toString()}`, headers };
  },

  responseSchema: cryptoCompareResponseSchema,

  toQuotes(response, pairs) {
    if ('error' in response)
      return failAll(pairs, cryptoCompareError(response.error.Message, response.error.Type));
    return pairs.map((pair) => {
      const value = response.prices[pair.base]?.[pair.quote];
      if (value === undefined)
        return pairError(pair, 'not_found', `cryptocompare has no ${pair.base}/${pair.quote} price`);
      return priceFor(pair, value);
    });
  },
};
