/**
 * Bybit v5 spot: REST `GET /v5/market/tickers?category=spot&symbol=` and the public spot stream
 * `/v5/public/spot` with `tickers.<SYMBOL>` topics and JSON `ping`/`pong`.
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

const ID = 'bybit';
const CONN_ID = 'cejreaspqfh3sjdnldmg-p';
const symbolOf = (pair: MarketPair): string => `${pair.base}${pair.quote}`;
const topicOf = (pair: MarketPair): string => `tickers.${symbolOf(pair)}`;
const failure = (retCode: number, retMsg: string): unknown => ({
  retCode,
  retMsg,
  result: {},
  retExtInfo: {},
  time: Date.now(),
});

export function createBybitExchange(): ExchangeHandler {
  const topics = new SubscriptionBook();
  let crossSequence = 2_588_407_389;

  const pushTicker = (socket: FakeSocket, market: Market, pair: MarketPair): void => {
    const data = { symbol: symbolOf(pair), ...tickerFields(market, pair, false) };
    sendPriceJson(socket, {
      topic: topicOf(pair),
      ts: Date.now(),
      type: 'snapshot',
      cs: crossSequence++,
      data,
    });
  };

  return {
    id: ID,
    http(req, market) {
      if (req.path !== '/v5/market/tickers') return undefined;
      if (req.query.get('category') !== 'spot') return json(failure(10001, 'Illegal category'));
      const symbol = req.query.get('symbol');
      const pairs = symbol === null ? market.pairs(ID) : [pairBySymbol(market, ID, symbol, symbolOf)];
      if (pairs.some((pair) => pair === undefined)) return json(failure(10001, 'Not supported symbols'));
      const list = pairs.flatMap((pair) =>
        pair ? [{ symbol: symbolOf(pair), ...tickerFields(market, pair, true) }] : [],
      );
      return json({
        retCode: 0,
        retMsg: 'OK',
        result: { category: 'spot', list },
        retExtInfo: {},
        time: Date.now(),
      });
    },
    errorBody: (status) =>
      status === 429 ? failure(10006, 'Too many visits!') : failure(10016, 'Server error.'),
    ws: {
      path: '/v5/public/spot',
      onConnection(socket, market) {
        socket.onClose(() => topics.forget(socket));
        socket.onMessage((text) => {
          const frame = parseFrame(text);
          const req_id = typeof frame?.req_id === 'string' ? frame.req_id : '';
          const reply = (success: boolean, ret_msg: string, op: unknown): void =>
            sendJson(socket, { success, ret_msg, conn_id: CONN_ID, req_id, op });
          if (frame?.op === 'ping') {
            reply(true, 'pong', 'ping');
            return;
          }
          const args = frame?.args;
          if ((frame?.op !== 'subscribe' && frame?.op !== 'unsubscribe') || !Array.isArray(args)) {
            reply(false, `Invalid request: ${text}`, frame?.op ?? '');
            return;
          }
          const pairs = (args as unknown[]).map((topic) => pairBySymbol(market, ID, String(topic), topicOf));
          const unknown = (args as unknown[]).filter((_, i) => pairs[i] === undefined);
          if (unknown.length > 0) {
            reply(false, `Invalid symbol :[${unknown.map(String).join(',')}]`, frame.op);
            return;
          }
          for (const pair of pairs) {
            if (!pair) continue;
            if (frame.op === 'subscribe') topics.add(socket, topicOf(pair));
            else topics.remove(socket, topicOf(pair));
          }
          reply(true, frame.op, frame.op);
          if (frame.op === 'subscribe') for (const pair of pairs) if (pair) pushTicker(socket, market, pair);
        });
      },
    },
    onPriceChange(base, quote, _price, market) {
      const pair = { base, quote };
      for (const socket of topics.subscribers(topicOf(pair))) pushTicker(socket, market, pair);
    },
  };
}

/** Ticker fields; the REST ticker also carries the best bid and ask, the stream's spot ticker does not. */
function tickerFields(market: Market, pair: MarketPair, withBook: boolean): Record<string, string> {
  const price = faultedPrice(market, ID, pair) ?? '0';
  const lastField = hasSchemaFault(market, ID) ? 'last_price' : 'lastPrice';
  const book: Record<string, string> = withBook
    ? { bid1Price: price, bid1Size: '1', ask1Price: price, ask1Size: '1' }
    : {};
  return {
    ...book,
    [lastField]: price,
    prevPrice24h: price,
    price24hPcnt: '0',
    highPrice24h: price,
    lowPrice24h: price,
    turnover24h: '0',
    volume24h: '0',
    usdIndexPrice: price,
  };
}
