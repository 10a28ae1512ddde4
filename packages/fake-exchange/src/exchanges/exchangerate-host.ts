/**
 * exchangerate.host (apilayer): `GET /live?access_key=&source=&currencies=`. Failures are HTTP 200
 * `{"success": false, "error": {code, type, info}}` bodies, as upstream. Targets without a price
 * are left out of `quotes`.
 */
import { faultedPrice, hasSchemaFault, json } from '../exchange-kit.js';
import type { ExchangeHandler, FakeHttpRequest, FakeHttpResponse, Market } from '../types.js';

const ID = 'exchangerate-host';

const failure = (code: number, type: string, info: string) => ({
  success: false,
  error: { code, type, info },
});

export function createExchangerateHostExchange(): ExchangeHandler {
  return {
    id: ID,
    http: (req, market) => (req.path === '/live' ? live(req, market) : undefined),
    errorBody: (status) =>
      status === 429
        ? failure(
            104,
            'usage_limit_reached',
            'Your monthly usage limit has been reached. Please upgrade your Subscription Plan.',
          )
        : failure(status, 'server_error', `Server error ${status}.`),
  };
}

function live(req: FakeHttpRequest, market: Market): FakeHttpResponse {
  if (!req.query.get('access_key')) {
    return json(
      failure(
        101,
        'missing_access_key',
        'You have not supplied an API Access Key. [Required format: access_key=YOUR_ACCESS_KEY]',
      ),
    );
  }
  const source = (req.query.get('source') ?? 'USD').toUpperCase();
  const listed = market.pairs(ID).filter((pair) => pair.base === source);
  if (listed.length === 0) {
    return json(
      failure(
        201,
        'invalid_source_currency',
        'You have supplied an invalid Source Currency. [Example: source=EUR]',
      ),
    );
  }
  const asked = req.query.get('currencies');
  const targets = asked
    ? asked.split(',').map((c) => c.trim().toUpperCase())
    : listed.map((pair) => pair.quote);
  const asText = hasSchemaFault(market, ID);
  const quotes: Record<string, number | string> = {};
  for (const target of targets) {
    const price = faultedPrice(market, ID, { base: source, quote: target });
    if (price !== undefined) quotes[`${source}${target}`] = asText ? price : Number(price);
  }
  return json({
    success: true,
    terms: 'https://currencylayer.com/terms',
    privacy: 'https://currencylayer.com/privacy',
    timestamp: Math.floor(Date.now() / 1000),
    source,
    quotes,
  });
}
