import { z } from 'zod';

/**
 * `function=CURRENCY_EXCHANGE_RATE`: numbered string fields, the rate as a decimal string and
 * "Last Refreshed" as "YYYY-MM-DD HH:MM:SS" in the given time zone (UTC in practice).
 */
export const alphaVantageRateSchema = z.object({
  'Realtime Currency Exchange Rate': z.object({
    '1. From_Currency Code': z.string(),
    '3. To_Currency Code': z.string(),
    '5. Exchange Rate': z.string(),
    '6. Last Refreshed': z.string().optional(),
    '7. Time Zone': z.string().optional(),
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
