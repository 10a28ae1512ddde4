/**
 * CryptoCompare: REST `GET /data/pricemulti` (fsyms × tsyms, key as `authorization: Apikey ...`
 * or `api_key`) and the `/v2` streamer with SubAdd/SubRemove of `5~CCCAGG~BASE~QUOTE` (key as
 * `api_key` in the URL). API errors come with HTTP 200 and `"Response":"Error"`, as upstream.
 */
import {
  faultedPrice,
  hasSchemaFault,
  json,
  parseFrame,
  sendJson,
  sendPriceJson,
  SubscriptionBook,
  type MarketPair,
} from '../exchange-kit.js';
import type { ExchangeHandler, FakeHttpRequest, FakeHttpResponse, FakeSocket, Market } from '../types.js';

const ID = 'cryptocompare';

const apiError = (message: string, type: number): Record<string, unknown> => ({
  Response: 'Error',
  Message: message,
  HasWarning: false,
  Type: type,
  RateLimit: {},
  Data: {},
});
const NO_KEY = 'You need a valid auth key or api key to access this endpoint';
const channelOf = (pair: MarketPair): string => `5~CCCAGG~${pair.base}~${pair.quote}`;

export function createCryptocompareExchange(): ExchangeHandler {
  const channels = new SubscriptionBook();
  return {
    id: ID,
    http: (req, market) => (req.path === '/data/pricemulti' ? priceMulti(req, market) : undefined),
    errorBody: (status) =>
      status === 429
        ? apiError('You are over your rate limit please upgrade your account!', 99)
        : apiError(`Server error ${status}`, 1),
    ws: {
      path: '/v2',
      onConnection(socket, market, url) {
        if (!url.searchParams.get('api_key')) {
          sendJson(socket, { TYPE: '401', MESSAGE: 'UNAUTHORIZED', PARAMETER: 'api_key', INFO: NO_KEY });
          socket.close(1008, 'Unauthorized');
          return;
        }
        socket.onClose(() => channels.forget(socket));
        sendJson(socket, { TYPE: '20', MESSAGE: 'STREAMERWELCOME', DATA_FORMAT: 'JSON', SOCKETS_ACTIVE: 1 });
        socket.onMessage((text) => onClientFrame(socket, market, channels, text));
      },
    },
    onPriceChange(base, quote, _price, market) {
      const pair = { base, quote };
      for (const socket of channels.subscribers(channelOf(pair)))
        sendPriceJson(socket, aggregateIndex(market, pair));
    },
  };
}

function priceMulti(req: FakeHttpRequest, market: Market): FakeHttpResponse {
  const key = req.query.get('api_key') ?? /^Apikey (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
  if (!key) return json(apiError(NO_KEY, 1));
  const bases = list(req.query.get('fsyms'));
  const quotes = list(req.query.get('tsyms'));
  if (bases.length === 0 || quotes.length === 0)
    return json(apiError('fsyms or tsyms param is empty or null.', 2));
  const asText = hasSchemaFault(market, ID);
  const body: Record<string, Record<string, number | string>> = {};
  for (const base of bases) {
    for (const quote of quotes) {
      const price = faultedPrice(market, ID, { base, quote });
      if (price !== undefined) body[base] = { ...body[base], [quote]: asText ? price : Number(price) };
    }
  }
  if (Object.keys(body).length > 0) return json(body);
  return json(
    apiError(`cccagg_or_exchange market does not exist for this coin pair (${bases[0]}-${quotes[0]})`, 2),
  );
}

function onClientFrame(socket: FakeSocket, market: Market, channels: SubscriptionBook, text: string): void {
  const frame = parseFrame(text);
  const subs = frame?.subs;
  if (!frame || (frame.action !== 'SubAdd' && frame.action !== 'SubRemove') || !Array.isArray(subs)) {
    sendJson(socket, {
      TYPE: '500',
      MESSAGE: 'INVALID_JSON',
      PARAMETER: text.slice(0, 100),
      INFO: 'Invalid JSON',
    });
    return;
  }
  for (const sub of subs.map(String)) {
    const [type, exchange, base = '', quote = ''] = sub.split('~');
    const known = type === '5' && exchange === 'CCCAGG' && market.price(ID, base, quote) !== undefined;
    if (!known) {
      sendJson(socket, {
        TYPE: '500',
        MESSAGE: 'INVALID_SUB',
        PARAMETER: sub,
        INFO: 'We have no data for this subscription.',
      });
    } else if (frame.action === 'SubAdd') {
      channels.add(socket, sub);
      sendJson(socket, { TYPE: '16', MESSAGE: 'SUBSCRIBECOMPLETE', SUB: sub });
      sendPriceJson(socket, aggregateIndex(market, { base, quote }));
    } else {
      channels.remove(socket, sub);
      sendJson(socket, { TYPE: '17', MESSAGE: 'UNSUBSCRIBECOMPLETE', SUB: sub });
    }
  }
  if (frame.action === 'SubAdd')
    sendJson(socket, { TYPE: '3', MESSAGE: 'LOADCOMPLETE', INFO: 'All your valid subs have been loaded.' });
}

function aggregateIndex(market: Market, pair: MarketPair): Record<string, unknown> {
  const price = faultedPrice(market, ID, pair) ?? '0';
  return {
    TYPE: '5',
    MARKET: 'CCCAGG',
    FROMSYMBOL: pair.base,
    TOSYMBOL: pair.quote,
    FLAGS: 1,
    PRICE: hasSchemaFault(market, ID) ? price : Number(price),
    LASTUPDATE: Math.floor(Date.now() / 1000),
    LASTMARKET: 'Coinbase',
  };
}

const list = (text: string | null): string[] =>
  (text ?? '')
    .split(',')
    .map((item) => item.trim().toUpperCase())
    .filter(Boolean);
