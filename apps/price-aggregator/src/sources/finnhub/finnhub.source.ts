import type {
  HttpRequestSpec,
  HttpSourceDefinition,
  Pair,
  SourceContext,
  SourceError,
} from '../price-source.js';
import { failAll, pairError, priceFor, upstreamText } from '../source-price.js';
import { finnhubResponseSchema, type FinnhubResponse } from './finnhub.schema.js';
import { finnhubSupports, finnhubSymbolOf } from './finnhub.symbols.js';

/** Maps Finnhub's `error` texts (REST bodies and stream frames) to our kinds. */
export function finnhubError(message: string): SourceError {
  const text = `finnhub error: ${upstreamText(message)}`;
  if (/limit|too many/i.test(message)) return { kind: 'rate_limited', message: text };
  if (/api key|token|access|permission|unauthori/i.test(message))
    return { kind: 'unauthorized', message: text };
  if (/symbol/i.test(message)) return { kind: 'not_found', message: text };
  return { kind: 'http', message: text };
}

/** `/api/v1/quote`, one symbol per request; the key travels in the documented `X-Finnhub-Token` header. */
export const finnhubHttp: HttpSourceDefinition<FinnhubResponse> = {
  id: 'finnhub',
  defaultBaseUrl: 'https://finnhub.io',
  defaultRps: 1,
  /**
   * Finnhub is read here for crypto markets only (Coinbase USD pairs, Binance the others), which
   * never close: `t` of a quote (seconds) or of a streamed trade (ms) is a live market's last trade.
   * Stocks would close; their bound would be yahoofinance's.
   */
  defaultMaxSourceAgeMs: 60_000,
  maxBatchSize: 1,
  requiresApiKey: true,

  supports: finnhubSupports,

  buildRequest(pairs: readonly Pair[], ctx: SourceContext): HttpRequestSpec {
    const [first] = pairs;
    const query = new URLSearchParams({ symbol: first ? finnhubSymbolOf(first) : '' });
    const headers: Record<string, string> = ctx.apiKey ? { 'x-finnhub-token': ctx.apiKey } : {};
    return { path: `/api/v1/quote?${query.toString()}`, headers };
  },

  responseSchema: finnhubResponseSchema,

  toQuotes(response, pairs) {
    if ('error' in response) return failAll(pairs, finnhubError(response.error));
    return pairs.map((pair) => {
      // Finnhub answers an unknown symbol with c = 0 rather than an error.
      if (response.c === 0)
        return pairError(pair, 'not_found', `finnhub does not know ${finnhubSymbolOf(pair)}`);
      if (response.t === 0) return pairError(pair, 'schema', 'finnhub: a quote with a price has t = 0');
      return priceFor(pair, response.c, response.t * 1000);
    });
  },
};
