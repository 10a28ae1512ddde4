import { z } from 'zod';
import { isRfc3339Time } from '../source-timestamp.js';

/** "2024-05-08 16:01:01" (in the answer's time zone) as RFC 3339 in UTC. */
export const lastRefreshedUtc = (text: string): string => `${text.replace(' ', 'T')}Z`;

/**
 * `function=CURRENCY_EXCHANGE_RATE`: numbered string fields, the rate as a decimal string and
 * "Last Refreshed" as "YYYY-MM-DD HH:MM:SS" in the given time zone, which must be UTC (the only
 * one this call answers in): a time we cannot place is a schema error, not a quote without time.
 */
export const alphaVantageRateSchema = z.object({
  'Realtime Currency Exchange Rate': z
    .object({
      '1. From_Currency Code': z.string(),
      '3. To_Currency Code': z.string(),
      '5. Exchange Rate': z.string(),
      '6. Last Refreshed': z
        .string()
        .refine((text) => /^\S+ \S+$/.test(text) && isRfc3339Time(lastRefreshedUtc(text)), {
          error: 'expected "YYYY-MM-DD HH:MM:SS"',
        })
        .optional(),
      '7. Time Zone': z.string().optional(),
    })
    .refine((rate) => rate['6. Last Refreshed'] === undefined || rate['7. Time Zone'] === 'UTC', {
      error: 'expected "7. Time Zone": "UTC" with "6. Last Refreshed"',
      path: ['7. Time Zone'],
    }),
});

/**
 * Alpha Vantage answers HTTP 200 for everything. Throttling comes as `{"Note": ...}` (older) or
 * `{"Information": ...}` (current, also for daily quota and premium-only calls); a bad call or
 * key as `{"Error Message": ...}`.
 */
export const alphaVantageNoteSchema = z.object({ Note: z.string() });
export const alphaVantageInformationSchema = z.object({ Information: z.string() });
export const alphaVantageErrorSchema = z.object({ 'Error Message': z.string() });

export const alphaVantageResponseSchema = z.union([
  alphaVantageRateSchema,
  alphaVantageNoteSchema,
  alphaVantageInformationSchema,
  alphaVantageErrorSchema,
]);
export type AlphaVantageResponse = z.infer<typeof alphaVantageResponseSchema>;
