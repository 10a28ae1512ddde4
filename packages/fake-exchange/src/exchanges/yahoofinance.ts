/**
 * Yahoo Finance: `GET /v8/finance/chart/<SYMBOL>`. Symbols are read the way Yahoo spells them:
 * `EURUSD=X` (currency pair), `BTC-USD` (crypto; numbered tickers such as `UNI7083-USD` resolve to
 * the market's UNI/USD) and plain tickers (`AAPL`, priced in the quote of the market's AAPL pair).
 * An unknown symbol answers 404 with `chart.error`; a 429 answers plain text, as upstream.
 */
import { faultedPrice, hasSchemaFault, json, type MarketPair } from '../exchange-kit.js';
import type { ExchangeHandler, FakeHttpResponse, Market } from '../types.js';

const ID = 'yahoofinance';
const CHART_PATH = '/v8/finance/chart/';

interface Listing {
  readonly pair: MarketPair;
  readonly instrumentType: 'CURRENCY' | 'CRYPTOCURRENCY' | 'EQUITY';
  readonly exchangeName: string;
}

const chartError = (code: string, description: string) => ({
  chart: { result: null, error: { code, description } },
});

export function createYahoofinanceExchange(): ExchangeHandler {
  return {
    id: ID,
    http(req, market) {
      if (!req.path.startsWith(CHART_PATH)) return undefined;
      return chart(decodeURIComponent(req.path.slice(CHART_PATH.length)), market);
    },
    errorBody: (status) =>
      status === 429
        ? 'Too Many Requests\r\n'
        : chartError('Internal Server Error', `Server error ${status}`),
  };
}

function chart(symbol: string, market: Market): FakeHttpResponse {
  const listing = listingOf(symbol, market);
  const price = listing && faultedPrice(market, ID, listing.pair);
  if (!listing || price === undefined)
    return json(chartError('Not Found', 'No data found, symbol may be delisted'), 404);
  const now = Math.floor(Date.now() / 1000);
  const regularMarketPrice = hasSchemaFault(market, ID) ? price : Number(price);
  const meta = {
    currency: listing.pair.quote,
    symbol,
    exchangeName: listing.exchangeName,
    instrumentType: listing.instrumentType,
    regularMarketTime: now,
    regularMarketPrice,
    chartPreviousClose: regularMarketPrice,
    priceHint: 4,
    dataGranularity: '1d',
    range: '1d',
  };
  const quote = {
    open: [regularMarketPrice],
    high: [regularMarketPrice],
    low: [regularMarketPrice],
    close: [regularMarketPrice],
    volume: [0],
  };
  return json({
    chart: { result: [{ meta, timestamp: [now], indicators: { quote: [quote] } }], error: null },
  });
}

function listingOf(symbol: string, market: Market): Listing | undefined {
  const find = (base: string, quote?: string) =>
    market.pairs(ID).find((pair) => pair.base === base && (quote === undefined || pair.quote === quote));
  const currency = /^([A-Z]{3})([A-Z]{3})=X$/.exec(symbol);
  if (currency) {
    const pair = find(currency[1] ?? '', currency[2]);
    return pair && { pair, instrumentType: 'CURRENCY', exchangeName: 'CCY' };
  }
  const crypto = /^([A-Z0-9]+)-([A-Z]{3})$/.exec(symbol);
  if (crypto) {
    const [, base = '', quote] = crypto;
    const pair = find(base, quote) ?? find(base.replace(/\d+$/, ''), quote);
    return pair && { pair, instrumentType: 'CRYPTOCURRENCY', exchangeName: 'CCC' };
  }
  const pair = find(symbol);
  return pair && { pair, instrumentType: 'EQUITY', exchangeName: 'NMS' };
}
