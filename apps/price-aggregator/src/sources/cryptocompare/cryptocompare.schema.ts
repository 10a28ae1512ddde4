import { z } from 'zod';
import { epochSecondsSchema } from '../source-timestamp.js';

/**
 * CryptoCompare answers API errors with HTTP 200 and a body like
 * `{"Response":"Error","Message":"You are over your rate limit please upgrade your account!","Type":99,...}`.
 * Type 99 is the rate limit; unknown pairs come as Type 1/2 with "market does not exist for this coin pair".
 */
export const cryptoCompareErrorSchema = z.object({
  Response: z.literal('Error'),
  Message: z.string(),
  Type: z.number().optional(),
});

/**
 * `/data/pricemulti?fsyms=BTC,ETH&tsyms=USD,EUR`: `{"BTC":{"USD":67187.33,"EUR":62013.87},...}`.
 * Bases or quotes without a market are left out (relaxed validation, the default). No time is
 * given, so REST quotes have no source timestamp.
 */
export const cryptoCompareMultiPriceSchema = z.record(z.string(), z.record(z.string(), z.number()));

/** Either body, tagged (a price body is a bare record of symbols). */
export const cryptoCompareResponseSchema = z.union([
  cryptoCompareErrorSchema.transform((error) => ({ error })),
  cryptoCompareMultiPriceSchema.transform((prices) => ({ prices })),
]);
export type CryptoCompareResponse = z.infer<typeof cryptoCompareResponseSchema>;

/** Every frame of `wss://streamer.cryptocompare.com/v2` carries a string TYPE. */
export const cryptoCompareStreamEnvelopeSchema = z.object({
  TYPE: z.string(),
  MESSAGE: z.string().optional(),
  PARAMETER: z.string().optional(),
  INFO: z.string().optional(),
});

/**
 * TYPE "5", the CCCAGG aggregate index of one pair. Only changed fields are sent: PRICE is absent
 * when the price did not move (FLAGS 4). LASTUPDATE is epoch seconds.
 */
export const cryptoCompareAggregateIndexSchema = z.object({
  TYPE: z.literal('5'),
  MARKET: z.string(),
  FROMSYMBOL: z.string(),
  TOSYMBOL: z.string(),
  FLAGS: z.number().optional(),
  PRICE: z.number().optional(),
  LASTUPDATE: epochSecondsSchema.optional(),
});
