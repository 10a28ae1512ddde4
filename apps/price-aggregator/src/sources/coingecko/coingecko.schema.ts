import { z } from 'zod';
import { epochSecondsSchema } from '../source-timestamp.js';

/**
 * Error body of the CoinGecko API (usually with a 4xx status, e.g. 429 or 401):
 * `{"status": {"error_code": 429, "error_message": "You've exceeded the Rate Limit..."}}`.
 */
export const coinGeckoErrorSchema = z.object({
  status: z.object({ error_code: z.number(), error_message: z.string() }),
});

/**
 * `/api/v3/simple/price?ids=..&vs_currencies=..&include_last_updated_at=true`: one object per
 * known coin id, with one price per requested currency (lower-case) and `last_updated_at` in
 * epoch seconds. Unknown ids and currencies are simply absent; a price may be null.
 */
export const coinGeckoSimplePriceSchema = z.record(
  z.string(),
  z.record(z.string(), z.number().nullable()).superRefine((coin, ctx) => {
    if (!('last_updated_at' in coin)) return;
    const stamped = epochSecondsSchema.safeParse(coin.last_updated_at);
    if (!stamped.success)
      ctx.addIssue({ code: 'custom', path: ['last_updated_at'], message: 'expected epoch seconds' });
  }),
);

/** Either body, tagged so code can tell them apart (a price body is a bare record of coin ids). */
export const coinGeckoPriceResponseSchema = z.union([
  coinGeckoErrorSchema.transform((body) => ({ error: body.status })),
  coinGeckoSimplePriceSchema.transform((prices) => ({ prices })),
]);
export type CoinGeckoPriceResponse = z.infer<typeof coinGeckoPriceResponseSchema>;

const currencyAmounts = z.record(z.string(), z.number());

/**
 * `/api/v3/global`: market-wide figures. Amounts are keyed by lower-case currency, percentages
 * by lower-case coin symbol; `updated_at` is epoch seconds.
 */
export const coinGeckoGlobalResponseSchema = z.object({
  data: z.object({
    active_cryptocurrencies: z.number(),
    markets: z.number(),
    total_market_cap: currencyAmounts,
    total_volume: currencyAmounts,
    market_cap_percentage: currencyAmounts,
    market_cap_change_percentage_24h_usd: z.number(),
    updated_at: z.number(),
  }),
});
export type CoinGeckoGlobalResponse = z.infer<typeof coinGeckoGlobalResponseSchema>;
