/**
 * Coinbase Advanced Trade wire formats (docs.cdp.coinbase.com: REST "List Public Products" and the
 * WebSocket "ticker" and "heartbeats" channels). Prices are decimal strings.
 */
import { z } from 'zod';
import { rfc3339Schema } from '../source-timestamp.js';

/** One product of `GET /api/v3/brokerage/market/products`; `price` is the last trade price (no time given). */
export const coinbaseProductSchema = z.object({ product_id: z.string(), price: z.string() });

export const coinbaseProductListSchema = z.object({
  products: z.array(coinbaseProductSchema),
  num_products: z.number().int().optional(),
});

/** Error body, e.g. `{"error":"NOT_FOUND","error_details":"...","message":"..."}`. */
export const coinbaseErrorSchema = z.object({
  error: z.string(),
  message: z.string().optional(),
  error_details: z.string().optional(),
});
export type CoinbaseError = z.infer<typeof coinbaseErrorSchema>;

export const coinbaseProductsResponseSchema = z.union([coinbaseProductListSchema, coinbaseErrorSchema]);
export type CoinbaseProductsResponse = z.infer<typeof coinbaseProductsResponseSchema>;

/** `ticker` channel message: events of type snapshot/update, each with tickers; `timestamp` is the message's time. */
export const coinbaseTickerMessageSchema = z.object({
  channel: z.literal('ticker'),
  timestamp: rfc3339Schema,
  sequence_num: z.number().int(),
  events: z.array(
    z.object({
      type: z.enum(['snapshot', 'update']),
      tickers: z.array(z.object({ type: z.literal('ticker'), product_id: z.string(), price: z.string() })),
    }),
  ),
});

/** Messages of the channels that carry no prices: subscription confirmations and heartbeats. */
export const coinbaseControlMessageSchema = z.object({
  channel: z.enum(['subscriptions', 'heartbeats']),
  sequence_num: z.number().int(),
  events: z.array(z.unknown()),
});

/** A rejected request on the stream. */
export const coinbaseStreamErrorSchema = z.object({ type: z.literal('error'), message: z.string() });
