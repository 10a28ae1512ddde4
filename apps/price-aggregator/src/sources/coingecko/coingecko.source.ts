import type {
  HttpRequestSpec,
  HttpSourceDefinition,
  Pair,
  SourceContext,
  SourceError,
} from '../price-source.js';
import { failAll, pairError, priceFor, upstreamText } from '../source-price.js';
import { coinGeckoPriceResponseSchema, type CoinGeckoPriceResponse } from './coingecko.schema.js';
import { COINGECKO_VS_CURRENCIES, coinGeckoIdOf } from './coingecko.symbols.js';

const PRO_HOST = /^https?:\/\/pro-api\./i;

/**
 * CoinGecko takes its key in a header whose name depends on the plan: `x-cg-pro-api-key` on the
 * paid host (pro-api.coingecko.com), `x-cg-demo-api-key` on the public one. Without a key, none.
 */
export function coinGeckoAuthHeaders(ctx: SourceContext): Record<string, string> {
  if (!ctx.apiKey) return {};
  const pro = ctx.baseUrl !== undefined && PRO_HOST.test(ctx.baseUrl);
  return { [pro ? 'x-cg-pro-api-key' : 'x-cg-demo-api-key']: ctx.apiKey };
}

/** Maps CoinGecko's `status.error_code` (an HTTP status or one of its own 1xxxx codes) to our kinds. */
export function coinGeckoError(code: number, message: string): SourceError {
  const text = `coingecko error ${code}: ${upstreamText(message)}`;
  if (code === 429) return { kind: 'rate_limited', message: text };
  // 10002 key missing, 10005 endpoint not in plan, 10010/10011 key used on the wrong host.
  if ([401, 403, 10002, 10005, 10010, 10011].includes(code)) return { kind: 'unauthorized', message: text };
  return { kind: 'http', message: text };
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];

/**
 * `/api/v3/simple/price`, batched: one request carries the ids and currencies of up to 100 pairs
 * (their cross product comes back; we pick the pairs asked for).
 */
export const coinGeckoHttp: HttpSourceDefinition<CoinGeckoPriceResponse> = {
  id: 'coingecko',
  defaultBaseUrl: 'https://api.coingecko.com',
  defaultRps: 1,
  /**
   * `last_updated_at` is when CoinGecko last recomputed the coin's price; answers are also cached for
   * up to 60 s (public API; 20 s on paid plans) and less traded coins are recomputed less often.
   */
  defaultMaxSourceAgeMs: 300_000,
  maxBatchSize: 100,
  requiresApiKey: false,

  supports: (pair: Pair) => coinGeckoIdOf(pair.base) !== undefined && COINGECKO_VS_CURRENCIES.has(pair.quote),

  buildRequest(pairs: readonly Pair[], ctx: SourceContext): HttpRequestSpec {
    const ids = unique(pairs.flatMap((p) => coinGeckoIdOf(p.base) ?? []));
    const currencies = unique(pairs.map((p) => p.quote.toLowerCase()));
    const query = new URLSearchParams({
      ids: ids.join(','),
      vs_currencies: currencies.join(','),
      include_last_updated_at: 'true',
      precision: 'full',
    });
    return { path: `/api/v3/simple/price?${query.toString()}`, headers: coinGeckoAuthHeaders(ctx) };
  },

  responseSchema: coinGeckoPriceResponseSchema,

  toQuotes(response, pairs) {
    if ('error' in response)
      return failAll(pairs, coinGeckoError(response.error.error_code, response.error.error_message));
    const { prices } = response;
    return pairs.map((pair) => {
      const id = coinGeckoIdOf(pair.base);
      if (!id) return pairError(pair, 'unsupported', `coingecko has no coin id for ${pair.base}`);
      const coin = prices[id];
      if (!coin) return pairError(pair, 'not_found', `coingecko returned nothing for coin ${id}`);
      const value = coin[pair.quote.toLowerCase()];
      if (value === undefined)
        return pairError(pair, 'not_found', `coingecko has no ${pair.quote} price for ${id}`);
      const updatedAt = coin.last_updated_at;
      return priceFor(pair, value, typeof updatedAt === 'number' ? updatedAt * 1000 : undefined);
    });
  },
};
