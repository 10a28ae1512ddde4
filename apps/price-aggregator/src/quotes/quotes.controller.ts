import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { pairsFromQuery, toPairs } from './batch-request.js';
import { symbolPair } from './pair-routes.js';
import { QuoteError } from './quote-error.js';
import {
  QuotesService,
  type RegisteredPairsResponse,
  type SourcePairsResponse,
  type SourceQuoteResponse,
} from './quotes.service.js';
import { openApi } from './quotes.openapi.js';

/** The batch routes answer `BatchResponse` as JSON text already (`QuotesService.batchJson`). */
const JSON_TYPE = 'application/json; charset=utf-8';

const batchItem = z.union([z.string(), z.tuple([z.string(), z.string()])]);
const batchBody = z.union([z.array(batchItem), z.strictObject({ pairs: z.array(batchItem) })]);

@ApiTags('quotes')
@Controller()
export class QuotesController {
  constructor(@Inject(QuotesService) private readonly quotes: QuotesService) {}

  /** Every registered (source, symbol) with its cached quote, by source. */
  @Get('quote/pairs/all')
  @ApiOperation({ summary: 'Registered pairs of every source, with their cached quotes' })
  @ApiOkResponse({ schema: openApi.registeredPairs })
  allPairs(): RegisteredPairsResponse {
    return this.quotes.registeredPairs();
  }

  /** One source's registered symbols with their cached quotes. */
  @Get('quote/pairs/:source')
  @ApiOperation({ summary: "One source's registered pairs, with their cached quotes" })
  @ApiParam({ name: 'source', example: 'binance' })
  @ApiOkResponse({ schema: openApi.sourcePairs })
  sourcePairs(@Param('source') source: string): SourcePairsResponse {
    return this.quotes.sourcePairs(source);
  }

  /** The reference route the Chainlink job specs call. */
  @Get('quote/:source/:base/:quote')
  @ApiOperation({ summary: "One source's cached quote of a pair (the reference's shape)" })
  @ApiParam({ name: 'source', example: 'binance' })
  @ApiParam({ name: 'base', example: 'BTC' })
  @ApiParam({ name: 'quote', example: 'USDT' })
  @ApiOkResponse({ schema: openApi.sourceQuote })
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
  @ApiOperation({ summary: 'The cross-source aggregate of each pair (what oracle nodes ask every round)' })
  @ApiQuery({
    name: 'pairs',
    example: 'BTC-USD,ETH-USD',
    description: 'BASE-QUOTE or BASE/QUOTE, comma-separated or repeated; at most 500',
  })
  @ApiOkResponse({ schema: openApi.batch })
  @Header('Content-Type', JSON_TYPE)
  batchFromQuery(@Query('pairs') pairs: unknown): Promise<string> {
    return this.quotes.batchJson(pairsFromQuery(pairs));
  }

  /** Body: `["BTC/USD", "ETH-USD", ["EUR", "USD"]]` or `{"pairs": [...]}`. */
  @Post('quotes/batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'The same, the pairs in a JSON body' })
  @ApiBody({ schema: openApi.batchBody })
  @ApiOkResponse({ schema: openApi.batch })
  @Header('Content-Type', JSON_TYPE)
  batchFromBody(@Body() body: unknown): Promise<string> {
    const parsed = batchBody.safeParse(body);
    if (!parsed.success)
      throw new QuoteError(
        400,
        'expected a JSON list of pairs ("BTC/USD" or ["BTC", "USD"]), or {"pairs": [...]}',
      );
    const items = Array.isArray(parsed.data) ? parsed.data : parsed.data.pairs;
    return this.quotes.batchJson(
      toPairs(items.map((item) => (typeof item === 'string' ? item : item.join('/')))),
    );
  }
}
