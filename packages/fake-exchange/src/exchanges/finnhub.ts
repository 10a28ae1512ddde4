/**
 * Finnhub: REST `GET /api/v1/quote?symbol=` (key as `X-Finnhub-Token` or `token`) and the trades
 * WebSocket at the root path (key as `token` in the URL; `{"type":"subscribe","symbol":...}`).
 * Crypto markets are named `COINBASE:BTC-USD` for USD pairs and `BINANCE:ETHUSDT` otherwise.
 * Like upstream, an unknown symbol gets an all-zero quote and subscribing sends no snapshot.
 */
import {
  faultedPrice,
  hasSchemaFault,
  json,
  pairBySymbol,
  parseFrame,
  sendJson,
  sendPriceJson,
  SubscriptionBook,
  type MarketPair,
} from '../exchange-kit.js';
import type { ExchangeHandler, FakeHttpRequest, FakeHttpResponse, Market } from '../types.js';

const ID = 'finnhub';
const symbolOf = (pair: MarketPair): string =>
  pair.quote === 'USD' ? `COINBASE:${pair.base}-USD` : `BINANCE:${pair.base}${pair.quote}`;
const UNKNOWN_SYMBOL = { c: 0, d: null, dp: null, h: 0, l: 0, o: 0, pc: 0, t: 0 };

export function createFinnhubExchange(): ExchangeHandler {
  const symbols = new SubscriptionBook();
  return {
    id: ID,
    http: (req, market) => (req.path === '/api/v1/quote' ? quote(req, market) : undefined),
    errorBody: (status) =>
      status === 429
        ? { error: 'API limit reached. Please try again later. Remaining Limit: 0' }
        : status === 401
          ? { error: 'Invalid API key' }
          : status === 403
            ? { error: "You don't have access to this resource." }
            : { error: `Server error ${status}` },
    ws: {
      path: '/',
      onConnection(socket, _market, url) {
        if (!url.searchParams.get('token')) {
          sendJson(socket, { type: 'error', msg: 'Invalid API key' });
          socket.close(1008, 'Unauthorized');
          return;
        }
        socket.onClose(() => symbols.forget(socket));
        socket.onMessage((text) => {
          const frame = parseFrame(text);
          if (
            typeof frame?.symbol !== 'string' ||
            (frame.type !== 'subscribe' && frame.type !== 'unsubscribe')
          ) {
            sendJson(socket, { type: 'error', msg: 'Invalid message' });
          } else if (frame.type === 'subscribe') symbols.add(socket, frame.symbol);
          else symbols.remove(socket, frame.symbol);
        });
      },
    },
    onPriceChange(base, quote, _price, market) {
      const pair = { base, quote };
      const symbol = symbolOf(pair);
      const price = faultedPrice(market, ID, pair) ?? '0';
      const trade = {
        s: symbol,
        p: hasSchemaFault(market, ID) ? price : Number(price),
        t: Date.now(),
        v: 0.01,
        c: null,
      };
      for (const socket of symbols.subscribers(symbol))
        sendPriceJson(socket, { type: 'trade', data: [trade] });
    },
  };
}

function quote(req: FakeHttpRequest, market: Market): FakeHttpResponse {
  if (!req.query.get('token') && !req.headers['x-finnhub-token'])
    return json({ error: 'Please use an API key.' }, 401);
  const pair = pairBySymbol(market, ID, req.query.get('symbol') ?? '', symbolOf);
  const price = pair && faultedPrice(market, ID, pair);
  if (price === undefined) return json(UNKNOWN_SYMBOL);
  const c = Number(price);
  const t = Math.floor(Date.now() / 1000);
  if (hasSchemaFault(market, ID)) return json({ current: c, time: t });
  return json({ c, d: 0, dp: 0, h: c, l: c, o: c, pc: c, t });
}
