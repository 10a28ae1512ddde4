/**
 * OKX API v5 wire formats (okx.com/docs-v5: "Get ticker" and the WebSocket "Tickers channel").
 * Every number, timestamps included, is a string; business errors come back with HTTP 200 and a
 * non-"0" `code` (e.g. 51001 "Instrument ID does not exist").
 */
import { z } from 'zod';
import { epochMillisTextSchema } from '../source-timestamp.js';

/** One ticker, as in REST `data[]` and stream `data[]`: `last` is the last traded price, `ts` its time. */
export const okxTickerSchema = z.object({ instId: z.string(), last: z.string(), ts: epochMillisTextSchema });

/** `GET /api/v5/market/ticker?instId=BTC-USDT`: `{code:"0", msg:"", data:[ticker]}`; errors have `data: []`. */
export const okxTickerResponseSchema = z.object({
  code: z.string(),
  msg: z.string(),
  data: z.array(okxTickerSchema),
});
export type OkxTickerResponse = z.infer<typeof okxTickerResponseSchema>;

/** Stream push of the `tickers` channel. */
export const okxTickerPushSchema = z.object({
  arg: z.object({ channel: z.literal('tickers'), instId: z.string() }),
  data: z.array(okxTickerSchema).min(1),
});

/** Stream events: subscribe/unsubscribe confirmations, notices and errors. */
export const okxStreamEventSchema = z.object({
  event: z.string(),
  code: z.string().optional(),
  msg: z.string().optional(),
});
