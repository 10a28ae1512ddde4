import { err, numberToDecimalString, ok, type Result } from '@oracle/core';
import type { z } from 'zod';
import type { HttpRequestSpec, SourceContext, SourceError } from '../price-source.js';
import { coinGeckoErrorSchema, coinGeckoGlobalResponseSchema } from './coingecko.schema.js';
import { coinGeckoAuthHeaders, coinGeckoError } from './coingecko.source.js';

/** Market-wide figures for `GET /market-data/global`. Amounts and percentages are decimal strings. */
export interface GlobalMarketData {
  /** Total market capitalisation by lower-case currency (`usd`, `eur`, `btc`, ...). */
  readonly totalMarketCap: Readonly<Record<string, string>>;
  /** 24 h traded volume by lower-case currency. */
  readonly totalVolume: Readonly<Record<string, string>>;
  /** Share of the total market cap, in percent, by lower-case coin symbol (`btc`, `eth`, ...). */
  readonly marketCapPercentage: Readonly<Record<string, string>>;
  /** Change of the USD market cap over 24 h, in percent (may be negative). */
  readonly marketCapChangePercentage24hUsd: string;
  readonly activeCryptocurrencies: number;
  readonly markets: number;
  /** When CoinGecko computed the figures, epoch ms. */
  readonly updatedAtMs: number;
}

/** The `/api/v3/global` request, described as data like a price source (same host, key and rate limit as coingecko). */
export interface MarketDataDefinition<TResponse> {
  readonly id: 'coingecko';
  buildRequest(ctx: SourceContext): HttpRequestSpec;
  readonly responseSchema: z.ZodType<TResponse>;
  /** Pure; API errors carried in the body become SourceErrors. */
  toMarketData(response: TResponse): Result<GlobalMarketData, SourceError>;
}

const decimals = (amounts: Record<string, number>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(amounts).flatMap(([key, value]) => {
      const text = numberToDecimalString(value);
      return text === undefined ? [] : [[key, text]];
    }),
  );

const globalResponseSchema = coinGeckoGlobalResponseSchema.or(coinGeckoErrorSchema);
type GlobalResponse = z.infer<typeof globalResponseSchema>;

export const coinGeckoGlobal: MarketDataDefinition<GlobalResponse> = {
  id: 'coingecko',
  buildRequest: (ctx) => ({ path: '/api/v3/global', headers: coinGeckoAuthHeaders(ctx) }),
  responseSchema: globalResponseSchema,
  toMarketData(response) {
    if ('status' in response)
      return err(coinGeckoError(response.status.error_code, response.status.error_message));
    const { data } = response;
    if (data.total_market_cap.usd === undefined || data.total_market_cap.usd <= 0) {
      return err({ kind: 'invalid_price', message: 'coingecko global data has no positive USD market cap' });
    }
    return ok({
      totalMarketCap: decimals(data.total_market_cap),
      totalVolume: decimals(data.total_volume),
      marketCapPercentage: decimals(data.market_cap_percentage),
      marketCapChangePercentage24hUsd:
        numberToDecimalString(data.market_cap_change_percentage_24h_usd) ?? '0',
      activeCryptocurrencies: data.active_cryptocurrencies,
      markets: data.markets,
      updatedAtMs: data.updated_at * 1000,
    });
  },
};
