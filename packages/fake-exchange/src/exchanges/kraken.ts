/**
 * Kraken spot: REST `GET /0/public/Ticker?pair=XBTUSD,ETHUSD` (results keyed by Kraken's pair
 * names, legacy `XXBTZUSD` style where both assets have legacy codes) and the v2 stream at `/v2`
 * with the `ticker` channel (prices as JSON numbers) and JSON `ping`/`pong`.
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
import type { ExchangeHandler, FakeSocket, Market } from '../types.js';

const ID = 'kraken';
/** Kraken's REST spelling of a few assets. */
const REST_ASSET: Readonly<Record<string, string>> = { BTC: 'XBT', DOGE: 'XDG' };
/** Legacy asset codes used in the result keys of old pairs. */
const LEGACY_ASSET: Readonly<Record<string, string>> = {
  XBT: 'XXBT',
  ETH: 'XETH',
  LTC: 'XLTC',
  XRP: 'XXRP',
  XLM: 'XXLM',
  XMR: 'XXMR',
  ETC: 'XETC',
  ZEC: 'XZEC',
  USD: 'ZUSD',
  EUR: 'ZEUR',
  GBP: 'ZGBP',
  CAD: 'ZCAD',
  JPY: 'ZJPY',
};

const restAsset = (asset: string): string => REST_ASSET[asset] ?? asset;
const altnameOf = (pair: MarketPair): string => `${restAsset(pair.base)}${restAsset(pair.quote)}`;
const wsSymbolOf = (pair: MarketPair): string => `${pair.base}/${pair.quote}`;

/** The key Kraken uses for a pair in `result`: `XXBTZUSD` for legacy pairs, else the altname. */
function resultKeyOf(pair: MarketPair): string {
  const base = LEGACY_ASSET[restAsset(pair.base)];
  const quote = LEGACY_ASSET[restAsset(pair.quote)];
  return base && quote ? `${base}${quote}` : altnameOf(pair);
}

export function createKrakenExchange(): ExchangeHandler {
  const tickers = new SubscriptionBook();
  return {
    id: ID,
    http(req, market) {
      if (req.path !== '/0/public/Ticker') return undefined;
      const names = (req.query.get('pair') ?? '').split(',').filter((name) => name !== '');
      const pairs = names.map(
        (name) => pairBySymbol(market, ID, name, altnameOf) ?? pairBySymbol(market, ID, name, resultKeyOf),
      );
      if (names.length === 0 || pairs.some((pair) => pair === undefined))
        return json({ error: ['EQuery:Unknown asset pair'] });
      const result = Object.fromEntries(
        pairs.flatMap((pair) => (pair ? [[resultKeyOf(pair), restTicker(market, pair)]] : [])),
      );
      return json({ error: [], result });
    },
    errorBody: (status) => ({
      error: [status === 429 ? 'EAPI:Rate limit exceeded' : 'EService:Unavailable'],
    }),
    ws: {
      path: '/v2',
      onConnection(socket, market) {
        socket.onClose(() => tickers.forget(socket));
        sendJson(socket, {
          channel: 'status',
          type: 'update',
          data: [{ version: '2.0.9', system: 'online', api_version: 'v2', connection_id: 12893948736 }],
        });
        socket.onMessage((text) => {
          const frame = parseFrame(text);
          if (frame?.method === 'ping') {
            sendJson(socket, { method: 'pong', req_id: frame.req_id, ...times() });
            return;
          }
          const params = (frame?.params ?? {}) as { channel?: unknown; symbol?: unknown };
          if (
            (frame?.method !== 'subscribe' && frame?.method !== 'unsubscribe') ||
            params.channel !== 'ticker' ||
            !Array.isArray(params.symbol)
          ) {
            sendJson(socket, {
              error: 'Invalid request',
              method: frame?.method ?? 'unknown',
              success: false,
              ...times(),
            });
            return;
          }
          for (const symbol of params.symbol as unknown[])
            handleSymbol(socket, market, frame.method, String(symbol), frame.req_id);
        });
      },
    },
    onPriceChange(base, quote, _price, market) {
      const pair = { base, quote };
      for (const socket of tickers.subscribers(wsSymbolOf(pair))) pushTicker(socket, market, pair, 'update');
    },
  };

  function handleSymbol(
    socket: FakeSocket,
    market: Market,
    method: 'subscribe' | 'unsubscribe',
    symbol: string,
    reqId: unknown,
  ): void {
    const pair = pairBySymbol(market, ID, symbol, wsSymbolOf);
    const reply = { method, ...(reqId === undefined ? {} : { req_id: reqId }), ...times() };
    if (!pair) {
      sendJson(socket, { error: `Currency pair not supported ${symbol}`, success: false, symbol, ...reply });
      return;
    }
    sendJson(socket, { result: { channel: 'ticker', snapshot: true, symbol }, success: true, ...reply });
    if (method === 'unsubscribe') {
      tickers.remove(socket, symbol);
      return;
    }
    tickers.add(socket, symbol);
    pushTicker(socket, market, pair, 'snapshot');
  }
}

function restTicker(market: Market, pair: MarketPair): Record<string, unknown> {
  const price = padDecimals(faultedPrice(market, ID, pair) ?? '0', 5);
  const lastField = hasSchemaFault(market, ID) ? 'last' : 'c';
  return {
    a: [price, '1', '1.000'],
    b: [price, '1', '1.000'],
    [lastField]: [price, '0.00067643'],
    v: ['0.00000000', '0.00000000'],
    p: [price, price],
    t: [0, 0],
    l: [price, price],
    h: [price, price],
    o: price,
  };
}

function pushTicker(socket: FakeSocket, market: Market, pair: MarketPair, type: 'snapshot' | 'update'): void {
  const price = Number(faultedPrice(market, ID, pair) ?? '0');
  const lastField = hasSchemaFault(market, ID) ? 'last_price' : 'last';
  const data = {
    symbol: wsSymbolOf(pair),
    bid: price,
    bid_qty: 1,
    ask: price,
    ask_qty: 1,
    [lastField]: price,
    volume: 0,
    vwap: price,
    low: price,
    high: price,
    change: 0,
    change_pct: 0,
    timestamp: new Date().toISOString(),
  };
  sendPriceJson(socket, { channel: 'ticker', type, data: [data] });
}

function times(): { time_in: string; time_out: string } {
  const now = new Date().toISOString();
  return { time_in: now, time_out: now };
}
