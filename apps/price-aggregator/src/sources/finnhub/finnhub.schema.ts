import { z } from 'zod';
import { epochMillisSchema } from '../source-timestamp.js';

/** Error body (with 401, 403 or 429): `{"error":"API limit reached. Please try again later. Remaining Limit: 0"}`. */
export const finnhubErrorSchema = z.object({ error: z.string() });

/**
 * `/api/v1/quote?symbol=..`: `c` current price, `d`/`dp` change, `h`/`l`/`o` day range, `pc` previous
 * close, `t` epoch seconds of the price. An unknown symbol answers all zeros (and null changes).
 */
export const finnhubQuoteSchema = z.object({
  c: z.number(),
  d: z.number().nullable().optional(),
  dp: z.number().nullable().optional(),
  h: z.number().optional(),
  l: z.number().optional(),
  o: z.number().optional(),
  pc: z.number().optional(),
  t: z.int().nonnegative({ error: 'expected epoch seconds' }),
});

export const finnhubResponseSchema = z.union([finnhubErrorSchema, finnhubQuoteSchema]);
export type FinnhubResponse = z.infer<typeof finnhubResponseSchema>;

/** Stream frames carry a `type`: `trade`, `ping` or `error`. */
export const finnhubStreamEnvelopeSchema = z.object({ type: z.string() });

/** `{"type":"trade","data":[{"s":"BINANCE:BTCUSDT","p":7296.89,"t":1575526691134,"v":0.011467,"c":null}]}`; `t` is epoch ms. */
export const finnhubTradesSchema = z.object({
  type: z.literal('trade'),
  data: z.array(z.object({ s: z.string(), p: z.number(), t: epochMillisSchema, v: z.number().optional() })),
});

export const finnhubStreamErrorSchema = z.object({ type: z.literal('error'), msg: z.string() });
