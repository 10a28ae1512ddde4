/**
 * Bybit v5 wire formats (bybit-exchange.github.io/docs/v5: "Get Tickers" with category=spot and
 * the public spot WebSocket "Ticker" topic). Prices are decimal strings; errors come back with
 * HTTP 200 and a non-zero `retCode` (10001 "Not supported symbols").
 */
import { z } from 'zod';
import { epochMillisSchema } from '../source-timestamp.js';

const tickerSchema = z.object({ symbol: z.string(), lastPrice: z.string() });

/**
 * `GET /v5/market/tickers?category=spot&symbol=BTCUSDT`; errors carry an empty `result`. `time` (ms)
 * is when Bybit's server answered: the tickers carry no time of their own.
 */
export const bybitTickersResponseSchema = z.object({
  retCode: z.number().int(),
  retMsg: z.string(),
  result: z.object({ category: z.string().optional(), list: z.array(tickerSchema).optional() }),
  time: epochMillisSchema,
});
export type BybitTickersResponse = z.infer<typeof bybitTickersResponseSchema>;

/** `tickers.<SYMBOL>` push; spot tickers are always snapshots; `ts` (ms) is when Bybit generated it. */
export const bybitTickerMessageSchema = z.object({
  topic: z.string().startsWith('tickers.'),
  ts: epochMillisSchema,
  type: z.string(),
  data: tickerSchema,
});

/** Answer to a subscribe, unsubscribe or ping operation. */
export const bybitOpResponseSchema = z.object({ success: z.boolean(), ret_msg: z.string(), op: z.string() });
