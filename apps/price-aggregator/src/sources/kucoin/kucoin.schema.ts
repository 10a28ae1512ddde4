/**
 * KuCoin spot wire formats (kucoin.com/docs: REST "Get Ticker" (orderbook level1), "Get Public
 * Token" (bullet-public) and the WebSocket "Ticker" topic). Envelopes carry `code: "200000"` on
 * success; prices are decimal strings.
 */
import { z } from 'zod';
import { epochMillisSchema } from '../source-timestamp.js';

/**
 * `GET /api/v1/market/orderbook/level1?symbol=`: `price` is the last traded price, `time` (ms) the
 * ticker's time; `data` is null for unknown symbols.
 */
export const kucoinLevel1ResponseSchema = z.object({
  code: z.string(),
  msg: z.string().optional(),
  data: z.object({ time: epochMillisSchema, price: z.string() }).nullable().optional(),
});
export type KucoinLevel1Response = z.infer<typeof kucoinLevel1ResponseSchema>;

/** `POST /api/v1/bullet-public`: a connect token and the stream servers to use it with. */
export const kucoinBulletResponseSchema = z.object({
  code: z.literal('200000'),
  data: z.object({
    token: z.string().min(1),
    instanceServers: z
      .array(z.object({ endpoint: z.url(), pingInterval: z.number().int(), pingTimeout: z.number().int() }))
      .nonempty(),
  }),
});

/** Stream messages, told apart by `type`. */
export const kucoinStreamMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    topic: z.string().startsWith('/market/ticker:'),
    subject: z.literal('trade.ticker'),
    /** `Time` (the docs' example) or `time` (the docs' schema): the matching time, ms. */
    data: z.object({
      price: z.string(),
      Time: epochMillisSchema.optional(),
      time: epochMillisSchema.optional(),
    }),
  }),
  z.object({ type: z.enum(['welcome', 'ack', 'pong']) }),
  z.object({ type: z.literal('error'), code: z.union([z.number(), z.string()]), data: z.string() }),
]);
