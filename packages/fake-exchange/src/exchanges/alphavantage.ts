/**
 * Alpha Vantage: `GET /query?function=CURRENCY_EXCHANGE_RATE&from_currency=&to_currency=&apikey=`.
 * Like upstream, every answer is HTTP 200: errors are `{"Error Message": ...}` bodies, and a
 * status fault's body is the throttling `Information` text.
 */
import { faultedPrice, hasSchemaFault, json, padDecimals } from '../exchange-kit.js';
import type { ExchangeHandler, FakeHttpRequest, FakeHttpResponse, Market } from '../types.js';

const ID = 'alphavantage';
const RATE_LIMITED =
  'Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day. Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly remove all daily rate limits.';

export function createAlphavantageExchange(): ExchangeHandler {
  return {
    id: ID,
    http: (req, market) => (req.path === '/query' ? query(req, market) : undefined),
    errorBody: (status) =>
      status === 429
        ? { Information: RATE_LIMITED }
        : { 'Error Message': `Server error ${status}. Please retry.` },
  };
}

function query(req: FakeHttpRequest, market: Market): FakeHttpResponse {
  const fn = req.query.get('function');
  if (fn !== 'CURRENCY_EXCHANGE_RATE')
    return json({ 'Error Message': `This API function (${fn}) does not exist.` });
  if (!req.query.get('apikey')) {
    return json({
      'Error Message':
        'the parameter apikey is invalid or missing. Please claim your free API key on (https://www.alphavantage.co/support/#api-key). It should take less than 20 seconds.',
    });
  }
  const base = req.query.get('from_currency') ?? '';
  const quote = req.query.get('to_currency') ?? '';
  const price = faultedPrice(market, ID, { base, quote });
  if (price === undefined) {
    return json({
      'Error Message':
        'Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for CURRENCY_EXCHANGE_RATE.',
    });
  }
  const rate = padDecimals(price, 8);
  if (hasSchemaFault(market, ID))
    return json({ 'Realtime Currency Exchange Rate': { 'Exchange Rate': rate } });
  return json({
    'Realtime Currency Exchange Rate': {
      '1. From_Currency Code': base,
      '2. From_Currency Name': base,
      '3. To_Currency Code': quote,
      '4. To_Currency Name': quote,
      '5. Exchange Rate': rate,
      '6. Last Refreshed': new Date().toISOString().slice(0, 19).replace('T', ' '),
      '7. Time Zone': 'UTC',
      '8. Bid Price': rate,
      '9. Ask Price': rate,
    },
  });
}
