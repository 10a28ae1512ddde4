/**
 * zod schemas of the timestamps exchanges put on their prices (`sourceTimestampMs` of a quote). A
 * timestamp that cannot be read as an instant fails its source's response schema, so it is a
 * 'schema' error of that source like any other changed field, never a crash and never a quote that
 * silently lost its time. The schemas validate without transforming: each source converts its
 * unit to epoch ms where it builds the quote.
 */
import { z } from 'zod';

/** Epoch milliseconds as a JSON number (binance `E`, bybit `time`/`ts`, kucoin `time`, finnhub trades `t`). */
export const epochMillisSchema = z.int().positive({ error: 'expected epoch milliseconds' });

/** Epoch milliseconds as a decimal string (okx `ts`). */
export const epochMillisTextSchema = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, { error: 'expected epoch milliseconds as a string' });

/** Epoch seconds as a JSON number (coingecko `last_updated_at`, yahoo `regularMarketTime`, ...). */
export const epochSecondsSchema = z.int().positive({ error: 'expected epoch seconds' });

const RFC3339 = /^\d{4}-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Whether `text` is an RFC 3339 time of a day that exists. */
export const isRfc3339Time = (text: string): boolean => RFC3339.test(text) && isRealDate(text.slice(0, 10));

/** An RFC 3339 time such as `2024-06-10T06:13:20.123456789Z` (coinbase and kraken streams). */
export const rfc3339Schema = z.string().refine(isRfc3339Time, { error: 'expected an RFC 3339 time' });

/** A calendar day `YYYY-MM-DD` (frankfurter's ECB reference day). */
export const isoDaySchema = z.iso.date({ error: 'expected a YYYY-MM-DD date' });

/** `2024-03-22` → 2024-03-22T00:00:00Z as epoch ms: the start of that day in UTC. */
export const utcDayStartMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** Whether `YYYY-MM-DD` names a day that exists (Date.parse takes 2024-02-30 as March 1). */
function isRealDate(day: string): boolean {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === day;
}
