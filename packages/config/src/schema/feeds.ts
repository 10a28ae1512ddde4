import { z } from 'zod';
import { addressSchema, pairSchema, positiveIntSchema, signedBigintStringSchema } from './common.js';
import { ppbSchema } from './ocr.js';
import { enabledSourceIds } from './aggregator-sources.js';
import { pairSourceSchema, type PriceAggregatorConfigParsed } from './price-aggregator.js';
import type { SourceId } from './sources.js';

/** One price feed: an OCR1 aggregator contract the oracles report a pair's median to. */
export const feedSchema = z.strictObject({
  name: z.string().min(1).max(100).describe('Feed name, e.g. "BTC / USD"'),
  pair: pairSchema,
  decimals: z.int().min(0).max(36).describe('The on-chain answer is the price times 10^decimals'),
  description: z.string().min(1).max(256).optional().describe('On-chain description; default the name'),
  contractAddress: addressSchema.optional().describe('OCR1 aggregator address; absent until deployed'),
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
