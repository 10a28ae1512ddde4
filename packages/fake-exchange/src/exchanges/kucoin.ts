/**
 * KuCoin spot: REST `GET /api/v1/market/orderbook/level1?symbol=`, `POST /api/v1/bullet-public`
 * (hands out a token and this server's own stream endpoint), and the stream at `/` that needs that
 * token, greets with `welcome`, answers JSON pings and serves `/market/ticker:<symbols>` topics.
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
import type { ExchangeHandler, FakeSocket, Market } from '../types.js';

const ID = 'kucoin';
const WS_PATH = '/';
const TICKER_TOPIC = '/market/ticker:';
const symbolOf = (pair: MarketPair): string => `${pair.base}-${pair.quote}`;

export function createKucoinExchange(): ExchangeHandler {
  const tickers = new SubscriptionBook();
  const tokens = new Set<string>();
  let sequence = 1_545_896_668_986;

  const pushTicker = (socket: FakeSocket, market: Market, pair: MarketPair): void => {
    const price = faultedPrice(market, ID, pair) ?? '0';
    const priceField = hasSchemaFault(market, ID) ? 'lastTradedPrice' : 'price';
    const data = {
      sequence: String(sequence++),
      [priceField]: price,
      size: '0.011',
      bestAsk: price,
      bestAskSize: '1',
      bestBid: price,
      bestBidSize: '1',
      Time: Date.now(),
    };
    sendPriceJson(socket, {
      type: 'message',
      topic: `${TICKER_TOPIC}${symbolOf(pair)}`,
      subject: 'trade.ticker',
      data,
    });
  };

  return {
    id: ID,
    http(req, market) {
      if (req.method === 'POST' && req.path === '/api/v1/bullet-public') {
        const token = `fake-token-${tokens.size + 1}`;
        tokens.add(token);
        const endpoint = `ws://${String(req.headers.host)}/${ID}${WS_PATH}`;
        const server = {
          endpoint,
          encrypt: false,
          protocol: 'websocket',
          pingInterval: 18_000,
          pingTimeout: 10_000,
        };
        return json({ code: '200000', data: { token, instanceServers: [server] } });
      }
      if (req.path !== '/api/v1/market/orderbook/level1') return undefined;
      const pair = pairBySymbol(market, ID, req.query.get('symbol') ?? '', symbolOf);
      if (!pair) return json({ code: '200000', data: null });
      const price = faultedPrice(market, ID, pair) ?? '0';
      const priceField = hasSchemaFault(market, ID) ? 'lastTradedPrice' : 'price';
      const data = {
        time: Date.now(),
        sequence: String(sequence++),
        [priceField]: price,
        size: '0.011',
        bestBid: price,
        bestBidSize: '1',
        bestAsk: price,
        bestAskSize: '1',
      };
      return json({ code: '200000', data });
    },
    errorBody: (status) =>
      status === 429
        ? { code: '429000', msg: 'Too Many Requests' }
        : { code: '500000', msg: 'Internal Server Error' },
    ws: {
      path: WS_PATH,
      onConnection(socket, market, url) {
        const token = url.searchParams.get('token');
        if (token === null || !tokens.has(token)) {
          sendJson(socket, { id: '', type: 'error', code: 401, data: 'token is invalid' });
          socket.close(1008, 'token is invalid');
          return;
        }
        socket.onClose(() => tickers.forget(socket));
        sendJson(socket, { id: url.searchParams.get('connectId') ?? 'hQvf8jkno', type: 'welcome' });
        socket.onMessage((text) => {
          const frame = parseFrame(text);
          const id = frame?.id ?? '';
          if (frame?.type === 'ping') {
            sendJson(socket, { id, type: 'pong' });
            return;
          }
          const topic = typeof frame?.topic === 'string' ? frame.topic : '';
          if (
            (frame?.type !== 'subscribe' && frame?.type !== 'unsubscribe') ||
            !topic.startsWith(TICKER_TOPIC)
          ) {
            sendJson(socket, { id, type: 'error', code: 400, data: `unsupported request: ${text}` });
            return;
          }
          const symbols = topic.slice(TICKER_TOPIC.length).split(',');
          const pairs = symbols.map((symbol) => pairBySymbol(market, ID, symbol, symbolOf));
          const unknown = symbols.filter((_, i) => pairs[i] === undefined);
          if (unknown.length > 0) {
            sendJson(socket, {
              id,
              type: 'error',
              code: 404,
              data: `topic ${TICKER_TOPIC}${unknown.join(',')} is not found`,
            });
            return;
          }
          for (const symbol of symbols) {
            if (frame.type === 'subscribe') tickers.add(socket, symbol);
            else tickers.remove(socket, symbol);
          }
          if (frame.response === true) sendJson(socket, { id, type: 'ack' });
          if (frame.type === 'subscribe')
            for (const pair of pairs) if (pair) pushTicker(socket, market, pair);
        });
      },
    },
    onPriceChange(base, quote, _price, market) {
      const pair = { base, quote };
      for (const socket of tickers.subscribers(symbolOf(pair))) pushTicker(socket, market, pair);
    },
  };
}
