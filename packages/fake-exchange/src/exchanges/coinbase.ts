/**
 * Coinbase Advanced Trade: REST `GET /api/v3/brokerage/market/products?product_ids=..` (public
 * product list, unknown ids left out) and the market data stream at `/` with the `ticker` and
 * `heartbeats` channels.
 */
import {
  faultedPrice,
  hasSchemaFault,
  json,
  pairBySymbol,
  parseFrame,
  sendJson,
  sendPriceJson,
  type MarketPair,
} from '../exchange-kit.js';
import type { ExchangeHandler, FakeSocket, Market } from '../types.js';

const ID = 'coinbase';
const HEARTBEAT_MS = 1_000;
const productIdOf = (pair: MarketPair): string => `${pair.base}-${pair.quote}`;

interface Connection {
  readonly products: Set<string>;
  sequence: number;
  heartbeatCounter: number;
  heartbeat?: NodeJS.Timeout;
}

export function createCoinbaseExchange(): ExchangeHandler {
  const connections = new Map<FakeSocket, Connection>();

  const send = (socket: FakeSocket, channel: string, events: unknown[], price = false): void => {
    const connection = connections.get(socket);
    if (!connection) return;
    const sequence_num = connection.sequence++;
    const message = { channel, client_id: '', timestamp: new Date().toISOString(), sequence_num, events };
    (price ? sendPriceJson : sendJson)(socket, message);
  };
  const pushTicker = (
    socket: FakeSocket,
    market: Market,
    pair: MarketPair,
    type: 'snapshot' | 'update',
  ): void => send(socket, 'ticker', [{ type, tickers: [ticker(market, pair)] }], true);

  return {
    id: ID,
    http(req, market) {
      if (req.path !== '/api/v3/brokerage/market/products') return undefined;
      const wanted = req.query.getAll('product_ids');
      const pairs = market
        .pairs(ID)
        .filter((pair) => wanted.length === 0 || wanted.includes(productIdOf(pair)));
      const products = pairs.map((pair) => product(market, pair));
      return json({ products, num_products: products.length });
    },
    errorBody: (status) =>
      status === 429
        ? { error: 'RESOURCE_EXHAUSTED', error_details: 'Too many requests', message: 'Too many requests' }
        : { error: 'INTERNAL', error_details: 'internal error', message: 'internal error' },
    ws: {
      path: '/',
      onConnection(socket, market) {
        connections.set(socket, { products: new Set(), sequence: 0, heartbeatCounter: 0 });
        socket.onClose(() => {
          clearInterval(connections.get(socket)?.heartbeat);
          connections.delete(socket);
        });
        socket.onMessage((text) => {
          const frame = parseFrame(text);
          const subscribe = frame?.type === 'subscribe';
          if (!frame || (!subscribe && frame.type !== 'unsubscribe')) {
            sendJson(socket, { type: 'error', message: 'Failed to parse the request' });
            return;
          }
          if (frame.channel === 'heartbeats') setHeartbeat(socket, subscribe);
          else if (frame.channel === 'ticker') updateTickers(socket, market, frame.product_ids, subscribe);
          else {
            sendJson(socket, { type: 'error', message: `Unknown channel ${String(frame.channel)}` });
            return;
          }
          send(socket, 'subscriptions', [{ subscriptions: subscriptionsOf(socket) }]);
        });
      },
    },
    onPriceChange(base, quote, _price, market) {
      const pair = { base, quote };
      for (const [socket, connection] of connections) {
        if (connection.products.has(productIdOf(pair))) pushTicker(socket, market, pair, 'update');
      }
    },
  };

  function updateTickers(socket: FakeSocket, market: Market, productIds: unknown, subscribe: boolean): void {
    const products = connections.get(socket)?.products;
    const ids = Array.isArray(productIds)
      ? productIds.filter((id): id is string => typeof id === 'string')
      : [];
    for (const id of ids) {
      const pair = pairBySymbol(market, ID, id, productIdOf);
      if (!pair) {
        sendJson(socket, { type: 'error', message: `Failed to subscribe: product ${id} not found` });
        continue;
      }
      if (!subscribe) {
        products?.delete(id);
        continue;
      }
      products?.add(id);
      pushTicker(socket, market, pair, 'snapshot');
    }
  }

  function setHeartbeat(socket: FakeSocket, on: boolean): void {
    const connection = connections.get(socket);
    if (!connection) return;
    clearInterval(connection.heartbeat);
    connection.heartbeat = on
      ? setInterval(() => {
          const heartbeat_counter = ++connection.heartbeatCounter;
          send(socket, 'heartbeats', [{ current_time: new Date().toISOString(), heartbeat_counter }]);
        }, HEARTBEAT_MS)
      : undefined;
  }

  function subscriptionsOf(socket: FakeSocket): Record<string, string[]> {
    const connection = connections.get(socket);
    const subscriptions: Record<string, string[]> = {};
    if (connection && connection.products.size > 0) subscriptions.ticker = [...connection.products];
    if (connection?.heartbeat) subscriptions.heartbeats = ['heartbeats'];
    return subscriptions;
  }
}

function ticker(market: Market, pair: MarketPair): Record<string, string> {
  const price = faultedPrice(market, ID, pair) ?? '0';
  const priceField = hasSchemaFault(market, ID) ? 'last_price' : 'price';
  return {
    type: 'ticker',
    product_id: productIdOf(pair),
    [priceField]: price,
    volume_24_h: '0',
    low_24_h: price,
    high_24_h: price,
    low_52_w: price,
    high_52_w: price,
    price_percent_chg_24_h: '0',
    best_bid: price,
    best_bid_quantity: '1',
    best_ask: price,
    best_ask_quantity: '1',
  };
}

function product(market: Market, pair: MarketPair): Record<string, unknown> {
  const price = faultedPrice(market, ID, pair) ?? '0';
  const priceField = hasSchemaFault(market, ID) ? 'last_price' : 'price';
  return {
    product_id: productIdOf(pair),
    [priceField]: price,
    price_percentage_change_24h: '0',
    volume_24h: '0',
    volume_percentage_change_24h: '0',
    base_increment: '0.00000001',
    quote_increment: '0.01',
    quote_min_size: '1',
    quote_max_size: '150000000',
    base_min_size: '0.00000001',
    base_max_size: '3400',
    base_name: pair.base,
    quote_name: pair.quote,
    status: 'online',
    cancel_only: false,
    limit_only: false,
    post_only: false,
    trading_disabled: false,
    auction_mode: false,
    product_type: 'SPOT',
    quote_currency_id: pair.quote,
    base_currency_id: pair.base,
    mid_market_price: '',
    base_display_symbol: pair.base,
    quote_display_symbol: pair.quote,
  };
}
