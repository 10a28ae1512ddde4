import { Body, Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Pair } from '../sources/price-source.js';
import { parsePair, symbolPair } from './pair-routes.js';
import { QuoteError } from './quote-error.js';
import { QuotesService, type SourceQuoteResponse } from './quotes.service.js';

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
  async batchFromQuery(@Query('pairs') pairs: unknown, @Res() res: ServerResponse): Promise<void> {
    const items = (Array.isArray(pairs) ? pairs : [pairs])
      .filter((p): p is string => typeof p === 'string')
      .flatMap((p) => p.split(','));
    sendJson(res, await this.quotes.batchBody(toPairs(items.filter((p) => p.trim() !== ''))));
  }

  /** Body: `["BTC/USD", "ETH-USD", ["EUR", "USD"]]` or `{"pairs": [...]}`. */
  @Post('quotes/batch')
  async batchFromBody(@Body() body: unknown, @Res() res: ServerResponse): Promise<void> {
    const parsed = batchBody.safeParse(body);
    if (!parsed.success)
      throw new QuoteError(
        400,
        'expected a JSON list of pairs ("BTC/USD" or ["BTC", "USD"]), or {"pairs": [...]}',
      );
    const items = Array.isArray(parsed.data) ? parsed.data : parsed.data.pairs;
    const pairs = toPairs(items.map((item) => (typeof item === 'string' ? item : item.join('/'))));
    sendJson(res, await this.quotes.batchBody(pairs));
  }
}

/** Sends a BatchResponse body the service serialised itself (see QuotesService.batchBody). */
function sendJson(res: ServerResponse, body: Buffer): void {
  res
    .writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length })
    .end(body);
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
