/**
 * Binance spot: REST `GET /api/v3/ticker/price` (`symbol=`, `symbols=[...]` or all) and the
 * `/ws` stream with SUBSCRIBE/UNSUBSCRIBE of `<symbol>@miniTicker` streams.
 */
import {
  faultedPrice,
  hasSchemaFault,
  json,
  padDecimals,
  pairBySymbol,
  parseFrame,
  sendJson,
  sendPriceJson,
  SubscriptionBook,
  type MarketPair,
} from '../exchange-kit.js';
import type { ExchangeHandler, FakeHttpRequest, FakeHttpResponse, Market } from '../types.js';

const ID = 'binance';
const symbolOf = (pair: MarketPair): string => `${pair.base}${pair.quote}`;
const streamOf = (pair: MarketPair): string => `${symbolOf(pair).toLowerCase()}@miniTicker`;
const invalidSymbol = json({ code: -1121, msg: 'Invalid symbol.' }, 400);

export function createBinanceExchange(): ExchangeHandler {
  const streams = new SubscriptionBook();
  return {
    id: ID,
    http: (req, market) => (req.path === '/api/v3/ticker/price' ? tickerPrice(req, market) : undefined),
    errorBody: (status) =>
      status === 429
        ? { code: -1003, msg: 'Too many requests; current limit of IP is 6000 request weight per 1 MINUTE.' }
        : { code: -1000, msg: 'An unknown error occurred while processing the request.' },
    ws: {
      path: '/ws',
      onConnection(socket, market) {
        socket.onClose(() => streams.forget(socket));
        socket.onMessage((text) => {
          const frame = parseFrame(text);
          const params = frame?.params;
          if (
            !frame ||
            (frame.method !== 'SUBSCRIBE' && frame.method !== 'UNSUBSCRIBE') ||
            !isStringArray(params)
          ) {
            sendJson(socket, {
              error: { code: 2, msg: 'Invalid request: unknown method or params' },
              id: frame?.id ?? null,
            });
            return;
          }
          for (const stream of params) {
            if (frame.method === 'SUBSCRIBE') streams.add(socket, stream);
            else streams.remove(socket, stream);
          }
          sendJson(socket, { result: null, id: frame.id ?? null });
          if (frame.method !== 'SUBSCRIBE') return;
          for (const pair of market.pairs(ID).filter((p) => params.includes(streamOf(p)))) {
            sendPriceJson(socket, miniTicker(market, pair));
          }
        });
      },
    },
    onPriceChange(base, quote, _price, market) {
      const pair = { base, quote };
      for (const socket of streams.subscribers(streamOf(pair)))
        sendPriceJson(socket, miniTicker(market, pair));
    },
  };
}

function tickerPrice(req: FakeHttpRequest, market: Market): FakeHttpResponse {
  const symbol = req.query.get('symbol');
  const symbols = req.query.get('symbols');
  if (symbol !== null) return ticker(market, symbol) ?? invalidSymbol;
  if (symbols === null) return json(market.pairs(ID).map((pair) => ticker(market, symbolOf(pair))?.body));
  const requested = parseSymbolList(symbols);
  if (!requested) return json({ code: -1100, msg: "Illegal characters found in parameter 'symbols'." }, 400);
  const tickers = requested.map((s) => ticker(market, s));
  return tickers.every((t) => t !== undefined) ? json(tickers.map((t) => t.body)) : invalidSymbol;
}

function ticker(market: Market, symbol: string): FakeHttpResponse | undefined {
  const pair = pairBySymbol(market, ID, symbol, symbolOf);
  const price = pair && faultedPrice(market, ID, pair);
  if (price === undefined) return undefined;
  const priceField = hasSchemaFault(market, ID) ? 'lastPrice' : 'price';
  return json({ symbol, [priceField]: padDecimals(price, 8) });
}

function miniTicker(market: Market, pair: MarketPair): Record<string, unknown> {
  const price = padDecimals(faultedPrice(market, ID, pair) ?? '0', 8);
  const closeField = hasSchemaFault(market, ID) ? 'closePrice' : 'c';
  return {
    e: '24hrMiniTicker',
    E: Date.now(),
    s: symbolOf(pair),
    [closeField]: price,
    o: price,
    h: price,
    l: price,
    v: '0',
    q: '0',
  };
}

function parseSymbolList(text: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isStringArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');
