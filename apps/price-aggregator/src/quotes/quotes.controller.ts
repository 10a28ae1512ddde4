import { Body, Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { pairsFromQuery, toPairs } from './batch-request.js';
import { sendJson } from './json-response.js';
import { symbolPair } from './pair-routes.js';
import { QuoteError } from './quote-error.js';
import { QuotesService, type SourceQuoteResponse } from './quotes.service.js';

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

  /** `?pairs=BTC-USD,ETH-USD` (also `BTC/USD`, or the parameter repeated). Usually answered by HotRoutes first. */
  @Get('quotes/batch')
  async batchFromQuery(@Query('pairs') pairs: unknown, @Res() res: ServerResponse): Promise<void> {
    sendJson(res, 200, await this.quotes.batchBody(this.quotes.batchList(pairsFromQuery(pairs))));
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
    sendJson(res, 200, await this.quotes.batchBody(this.quotes.batchList(pairs)));
  }
}
