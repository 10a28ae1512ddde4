import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import type { Pair } from '../sources/price-source.js';
import { parsePair, symbolPair } from './pair-routes.js';
import { QuoteError } from './quote-error.js';
import { QuotesService, type BatchResponse, type SourceQuoteResponse } from './quotes.service.js';

/** Most pairs one batch request may ask for. */
export const MAX_BATCH_PAIRS = 500;

const batchItem = z.union([z.string(), z.tuple([z.string(), z.string()])]);
const batchBody = z.union([z.array(batchItem), z.strictObject({ pairs: z.array(batchItem) })]);

@Controller()
export class QuotesController {
  constructor(@Inject(QuotesService) private readonly quotes: QuotesService) {}

  /** The reference route the Chainlink job specs call. */
  @Get('quote/:source/:base/:quote')
  quote(
    @Param('source') source: string,
    @Param('base') base: string,
    @Param('quote') quote: string,
  ): Promise<SourceQuoteResponse> {
    const pair = symbolPair(base, quote);
    if (!pair) throw new QuoteError(400, `invalid pair ${JSON.stringify(`${base}/${quote}`)}`);
    return this.quotes.sourceQuote(source, pair);
  }

  /** `?pairs=BTC-USD,ETH-USD` (also `BTC/USD`, or the parameter repeated). */
  @Get('quotes/batch')
  batchFromQuery(@Query('pairs') pairs: unknown): Promise<BatchResponse> {
    const items = (Array.isArray(pairs) ? pairs : [pairs])
      .filter((p): p is string => typeof p === 'string')
      .flatMap((p) => p.split(','));
    return this.quotes.batch(toPairs(items.filter((p) => p.trim() !== '')));
  }

  /** Body: `["BTC/USD", "ETH-USD", ["EUR", "USD"]]` or `{"pairs": [...]}`. */
  @Post('quotes/batch')
  @HttpCode(200)
  batchFromBody(@Body() body: unknown): Promise<BatchResponse> {
    const parsed = batchBody.safeParse(body);
    if (!parsed.success)
      throw new QuoteError(
        400,
        'expected a JSON list of pairs ("BTC/USD" or ["BTC", "USD"]), or {"pairs": [...]}',
      );
    const items = Array.isArray(parsed.data) ? parsed.data : parsed.data.pairs;
    return this.quotes.batch(
      toPairs(items.map((item) => (typeof item === 'string' ? item : item.join('/')))),
    );
  }
}

function toPairs(items: readonly string[]): Pair[] {
  if (items.length === 0) throw new QuoteError(400, 'no pairs requested');
  if (items.length > MAX_BATCH_PAIRS)
    throw new QuoteError(400, `at most ${MAX_BATCH_PAIRS} pairs per request`);
  return items.map((item) => {
    const pair = parsePair(item.trim());
    if (!pair)
      throw new QuoteError(400, `invalid pair ${JSON.stringify(item)}; expected BASE-QUOTE or BASE/QUOTE`);
    return pair;
  });
}
