import { z } from 'zod';
import { epochSecondsSchema } from '../source-timestamp.js';

/**
 * `/v8/finance/chart/<SYMBOL>?interval=1d&range=1d`. We read `chart.result[0].meta`:
 * `regularMarketPrice`, `regularMarketTime` (epoch seconds), `currency` (ISO code; `GBp` for
 * pence) and `instrumentType` (`CURRENCY`, `CRYPTOCURRENCY`, `EQUITY`, `ETF`, `INDEX`, ...).
 * Errors come as `{"chart":{"result":null,"error":{"code":"Not Found","description":"..."}}}`.
 */
export const yahooChartSchema = z.object({
  chart: z.object({
    result: z
      .array(
        z.object({
          meta: z.object({
            symbol: z.string(),
            currency: z.string().nullable().optional(),
            instrumentType: z.string().optional(),
            regularMarketPrice: z.number().optional(),
            regularMarketTime: epochSecondsSchema.optional(),
          }),
        }),
      )
      .nullable(),
    error: z.object({ code: z.string(), description: z.string() }).nullable(),
  }),
});
export type YahooChartResponse = z.infer<typeof yahooChartSchema>;
