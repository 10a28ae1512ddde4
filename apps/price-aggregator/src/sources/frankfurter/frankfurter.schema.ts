import { z } from 'zod';
import { isoDaySchema } from '../source-timestamp.js';

/**
 * `/latest?from=EUR&to=USD,GBP`: `{"amount":1.0,"base":"EUR","date":"2024-03-22","rates":{"USD":1.0823,...}}`.
 * `date` is the ECB reference day (rates are published once a working day, around 16:00 CET).
 */
export const frankfurterLatestSchema = z.object({
  amount: z.number(),
  base: z.string(),
  date: isoDaySchema,
  rates: z.record(z.string(), z.number()),
});

/** Error body (404 for an unknown currency, 422 for a bad request): `{"message":"not found"}`. */
export const frankfurterErrorSchema = z.object({ message: z.string() });

export const frankfurterResponseSchema = z.union([frankfurterLatestSchema, frankfurterErrorSchema]);
export type FrankfurterResponse = z.infer<typeof frankfurterResponseSchema>;
