import { z } from 'zod';
import { epochSecondsSchema } from '../source-timestamp.js';

/**
 * `/live?source=USD&currencies=EUR,GBP`: rates keyed by source+target (`USDEUR`), `timestamp` in
 * epoch seconds.
 */
export const exchangeRateHostLiveSchema = z.object({
  success: z.literal(true),
  timestamp: epochSecondsSchema,
  source: z.string(),
  quotes: z.record(z.string(), z.number()),
});

/**
 * Failures come as `{"success": false, "error": {"code": 101, "type": "invalid_access_key", "info": "..."}}`
 * (apilayer's numbered codes: 101/102/105 access, 104 quota, 201/202 unknown currency).
 */
export const exchangeRateHostErrorSchema = z.object({
  success: z.literal(false),
  error: z.object({ code: z.number(), type: z.string().optional(), info: z.string().optional() }),
});

export const exchangeRateHostResponseSchema = z.discriminatedUnion('success', [
  exchangeRateHostLiveSchema,
  exchangeRateHostErrorSchema,
]);
export type ExchangeRateHostResponse = z.infer<typeof exchangeRateHostResponseSchema>;
