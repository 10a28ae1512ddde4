import { z } from 'zod';
import { addressSchema, pairSchema, positiveIntSchema, signedBigintStringSchema } from './common.js';
import { ppbSchema } from './ocr.js';
import { enabledSourceIds } from './aggregator-sources.js';
import { pairSourceSchema, type PriceAggregatorConfigParsed } from './price-aggregator.js';
import type { SourceId } from './sources.js';

/** A price in the pair's units as a decimal string ("65000.5"); exact, unlike a JSON number. */
const DECIMAL_PRICE_HINT = 'expected a decimal price as a string, e.g. "65000.5"';
const decimalPriceSchema = z
  .string({ error: DECIMAL_PRICE_HINT })
  .regex(/^-?\d+(\.\d+)?$/, { error: DECIMAL_PRICE_HINT });

/**
 * The feed's circuit breaker, checked by every oracle node before it signs or transmits a report:
 * a median that trips it is not reported, and the feed holds its last on-chain answer.
 */
export const feedGuardSchema = z
  .strictObject({
    maxChangePpb: z
      .int()
      .min(1)
      .max(1_000_000_000_000)
      .optional()
      .describe(
        'Largest change of a new answer against the last on-chain answer, in ppb of it (500 000 000 = 50 %)',
      ),
    band: z
      .strictObject({
        min: decimalPriceSchema.describe('Lowest plausible price, e.g. "1000"'),
        max: decimalPriceSchema.describe('Highest plausible price, e.g. "1000000"; above min'),
      })
      .optional()
      .describe('Reference band in price units; the observed median must lie within it (inclusive)'),
  })
  .describe(
    'Circuit breaker: hold the last on-chain answer instead of reporting an implausible one. Off when absent',
  );

export type FeedGuardFields = z.output<typeof feedGuardSchema>;

/** One price feed: an OCR1 aggregator contract the oracles report a pair's median to. */
export const feedSchema = z.strictObject({
  name: z.string().min(1).max(100).describe('Feed name, e.g. "BTC / USD"'),
  pair: pairSchema,
  decimals: z.int().min(0).max(36).describe('The on-chain answer is the price times 10^decimals'),
  description: z.string().min(1).max(256).optional().describe('On-chain description; default the name'),
  contractAddress: addressSchema.optional().describe('OCR1 aggregator address; absent until deployed'),
  proxyAddress: addressSchema
    .optional()
    .describe(
      'EACAggregatorProxy-compatible proxy in front of the aggregator, what consumers read; absent until deployed',
    ),
  deviationPpb: ppbSchema.optional().describe('alphaPPB; default ocr.deviationPpb'),
  heartbeatSeconds: positiveIntSchema.optional().describe('deltaC; default ocr.heartbeatSeconds'),
  sources: z
    .array(pairSourceSchema)
    .min(1)
    .optional()
    .describe(
      "Sources observed; default the aggregator's pairs entry for this pair, else every enabled source",
    ),
  minAnswer: signedBigintStringSchema
    .optional()
    .describe('Lowest answer the contract accepts (int192, decimal string)'),
  maxAnswer: signedBigintStringSchema
    .optional()
    .describe('Highest answer the contract accepts (int192, decimal string)'),
  guard: feedGuardSchema.optional(),
});

export type FeedFields = z.output<typeof feedSchema>;

/** A source of a feed with the symbol asked of it (the feed's pair unless overridden). */
export interface FeedSource {
  readonly source: SourceId;
  readonly symbol: string;
}

/**
 * The sources a feed observes: its own list, else the aggregator's `pairs` entry for its pair,
 * else every enabled source.
 */
export function resolveFeedSources(
  feed: Pick<FeedFields, 'pair' | 'sources'>,
  aggregator: Pick<PriceAggregatorConfigParsed, 'pairs' | 'sources'>,
): FeedSource[] {
  const listed = feed.sources ?? aggregator.pairs.find((entry) => entry.pair === feed.pair)?.sources;
  if (!listed) return enabledSourceIds(aggregator.sources).map((source) => ({ source, symbol: feed.pair }));
  return listed.map((entry) =>
    typeof entry === 'string'
      ? { source: entry, symbol: feed.pair }
      : { source: entry.source, symbol: entry.symbol ?? feed.pair },
  );
}
