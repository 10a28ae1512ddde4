/**
 * Kraken spot wire formats (docs.kraken.com: REST "Get Ticker Information" and WebSocket v2
 * "ticker"). REST prices are decimal strings; WebSocket v2 prices are JSON numbers. REST errors
 * come back with HTTP 200 in `error: ["EQuery:Unknown asset pair"]`.
 */
import { z } from 'zod';
import { rfc3339Schema } from '../source-timestamp.js';

/** One pair of `GET /0/public/Ticker`: `c` is the last trade closed, `[price, lot volume]` (no time). */
export const krakenTickerSchema = z.object({ c: z.array(z.string()).min(1) });

export const krakenTickerResponseSchema = z.object({
  error: z.array(z.string()),
  result: z.record(z.string(), krakenTickerSchema).optional(),
});
export type KrakenTickerResponse = z.infer<typeof krakenTickerResponseSchema>;

/** v2 `ticker` channel snapshot or update; `timestamp` (RFC 3339), where given, is the ticker's time. */
export const krakenTickerMessageSchema = z.object({
  channel: z.literal('ticker'),
  type: z.enum(['snapshot', 'update']),
  data: z
    .array(z.object({ symbol: z.string(), last: z.number(), timestamp: rfc3339Schema.optional() }))
    .min(1),
});

/** v2 answers to requests (subscribe, unsubscribe, pong); `success: false` carries `error`. */
export const krakenMethodResponseSchema = z.object({
  method: z.string(),
  success: z.boolean().optional(),
  error: z.string().optional(),
});

/** v2 channels without prices. */
export const krakenControlMessageSchema = z.object({ channel: z.enum(['heartbeat', 'status']) });
