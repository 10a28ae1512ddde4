/**
 * Binance spot wire formats (developers.binance.com, spot REST "Symbol price ticker" and
 * WebSocket "Individual Symbol Mini Ticker Stream"). Prices are decimal strings.
 */
import { z } from 'zod';
import { epochMillisSchema } from '../source-timestamp.js';

/**
 * One symbol's last price: `GET /api/v3/ticker/price?symbol=` returns one, `?symbols=[..]` an array.
 * It carries no time, so REST quotes have no source timestamp.
 */
export const binanceTickerPriceSchema = z.object({ symbol: z.string(), price: z.string() });

/** The error body any endpoint may return, e.g. `{code:-1121,msg:"Invalid symbol."}` with HTTP 400. */
export const binanceErrorSchema = z.object({ code: z.number().int(), msg: z.string() });

export const binanceTickerResponseSchema = z.union([
  z.array(binanceTickerPriceSchema),
  binanceTickerPriceSchema,
  binanceErrorSchema,
]);
export type BinanceTickerResponse = z.infer<typeof binanceTickerResponseSchema>;
export type BinanceError = z.infer<typeof binanceErrorSchema>;

/** `<symbol>@miniTicker` event: `E` event time (ms), `s` symbol, `c` close (last) price. */
export const binanceMiniTickerSchema = z.object({
  e: z.literal('24hrMiniTicker'),
  E: epochMillisSchema,
  s: z.string(),
  c: z.string(),
});

/** Answer to SUBSCRIBE / UNSUBSCRIBE. */
export const binanceStreamResultSchema = z.object({
  result: z.null(),
  id: z.union([z.number(), z.string(), z.null()]),
});

/** A rejected stream request, e.g. `{"error":{"code":2,"msg":"Invalid request: ..."},"id":1}`. */
export const binanceStreamErrorSchema = z.object({
  error: binanceErrorSchema,
  id: z.union([z.number(), z.string(), z.null()]),
});
