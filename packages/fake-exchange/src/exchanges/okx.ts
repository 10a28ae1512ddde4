/**
 * OKX v5: REST `GET /api/v5/market/ticker?instId=` and the public stream `/ws/v5/public` with the
 * `tickers` channel and the text `ping`/`pong` keep-alive.
 */
import {
  exchangeNow,
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
import type { ExchangeHandler, FakeSocket, Market } from '../types.js';

const ID = 'okx';
const CONN_ID = 'a4d3ae55';
const instIdOf = (pair: MarketPair): string => `${pair.base}-${pair.quote}`;

export function createOkxExchange(): ExchangeHandler {
  const channels = new SubscriptionBook();
  return {
    id: ID,
    http(req, market) {
      if (req.path !== '/api/v5/market/ticker') return undefined;
      const instId = req.query.get('instId') ?? '';
      const pair = pairBySymbol(market, ID, instId, instIdOf);
      if (!pair) return json({ code: '51001', msg: 'Instrument ID does not exist', data: [] });
      return json({ code: '0', msg: '', data: [ticker(market, pair)] });
    },
    errorBody: (status) =>
      status === 429
        ? { code: '50011', msg: 'Too Many Requests', data: [] }
        : { code: '50001', msg: 'Service temporarily unavailable', data: [] },
    ws: {
      path: '/ws/v5/public',
      onConnection(socket, market) {
        socket.onClose(() => channels.forget(socket));
        socket.onMessage((text) => {
          if (text === 'ping') {
            socket.send('pong');
            return;
          }
          const frame = parseFrame(text);
          if (
            !frame ||
            (frame.op !== 'subscribe' && frame.op !== 'unsubscribe') ||
            !Array.isArray(frame.args)
          ) {
            sendJson(socket, {
              event: 'error',
              code: '60012',
              msg: `Invalid request: ${text}`,
              connId: CONN_ID,
            });
            return;
          }
          for (const arg of frame.args as unknown[]) handleArg(socket, market, frame.op, arg);
        });
      },
    },
    onPriceChange(base, quote, _price, market) {
      const pair = { base, quote };
      for (const socket of channels.subscribers(instIdOf(pair))) pushTicker(socket, market, pair);
    },
  };

  function handleArg(
    socket: FakeSocket,
    market: Market,
    op: 'subscribe' | 'unsubscribe',
    arg: unknown,
  ): void {
    const { channel, instId } = (arg ?? {}) as { channel?: unknown; instId?: unknown };
    const pair = typeof instId === 'string' ? pairBySymbol(market, ID, instId, instIdOf) : undefined;
    if (channel !== 'tickers' || !pair) {
      const msg = `Wrong URL or channel:${String(channel)},instId:${String(instId)} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`;
      sendJson(socket, { event: 'error', code: '60018', msg, connId: CONN_ID });
      return;
    }
    const symbol = instIdOf(pair);
    if (op === 'unsubscribe') channels.remove(socket, symbol);
    else channels.add(socket, symbol);
    sendJson(socket, { event: op, arg: { channel, instId: symbol }, connId: CONN_ID });
    if (op === 'subscribe') pushTicker(socket, market, pair);
  }
}

function pushTicker(socket: FakeSocket, market: Market, pair: MarketPair): void {
  sendPriceJson(socket, {
    arg: { channel: 'tickers', instId: instIdOf(pair) },
    data: [ticker(market, pair)],
  });
}

function ticker(market: Market, pair: MarketPair): Record<string, string> {
  const price = faultedPrice(market, ID, pair) ?? '0';
  const lastField = hasSchemaFault(market, ID) ? 'lastPx' : 'last';
  return {
    instType: 'SPOT',
    instId: instIdOf(pair),
    [lastField]: price,
    lastSz: '0.01',
    askPx: price,
    askSz: '1',
    bidPx: price,
    bidSz: '1',
    open24h: price,
    high24h: price,
    low24h: price,
    volCcy24h: '0',
    vol24h: '0',
    ts: String(exchangeNow(market, ID)),
    sodUtc0: price,
    sodUtc8: price,
  };
}
