/**
 * Frankfurter: `GET /latest?from=&to=` with ECB-style rates (`amount` 1, today's `date`). An
 * unknown base answers 404 `{"message":"not found"}`; targets without a price are left out.
 */
import { faultedPrice, hasSchemaFault, json } from '../exchange-kit.js';
import type { ExchangeHandler, FakeHttpRequest, FakeHttpResponse, Market } from '../types.js';

const ID = 'frankfurter';

export function createFrankfurterExchange(): ExchangeHandler {
  return {
    id: ID,
    http: (req, market) => (req.path === '/latest' ? latest(req, market) : undefined),
    errorBody: (status) => ({ message: status === 404 ? 'not found' : `server error ${status}` }),
  };
}

function latest(req: FakeHttpRequest, market: Market): FakeHttpResponse {
  const base = (req.query.get('from') ?? 'EUR').toUpperCase();
  const listed = market.pairs(ID).filter((pair) => pair.base === base);
  if (listed.length === 0) return json({ message: 'not found' }, 404);
  const asked = req.query.get('to');
  const targets = asked
    ? asked.split(',').map((c) => c.trim().toUpperCase())
    : listed.map((pair) => pair.quote);
  const asText = hasSchemaFault(market, ID);
  const rates: Record<string, number | string> = {};
  for (const target of targets) {
    const price = faultedPrice(market, ID, { base, quote: target });
    if (price !== undefined) rates[target] = asText ? price : Number(price);
  }
  return json({ amount: 1.0, base, date: new Date().toISOString().slice(0, 10), rates });
}
