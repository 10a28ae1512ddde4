import type {
  Pair,
  SourceContext,
  SourcePairError,
  SourcePrice,
  StreamEvent,
  StreamSourceDefinition,
} from '../price-source.js';
import { isSourcePrice, priceFor } from '../source-price.js';
import { finnhubError } from './finnhub.source.js';
import {
  finnhubStreamEnvelopeSchema,
  finnhubStreamErrorSchema,
  finnhubTradesSchema,
} from './finnhub.schema.js';
import { finnhubSymbolOf, pairOfFinnhubSymbol } from './finnhub.symbols.js';

const message = (type: 'subscribe' | 'unsubscribe', pair: Pair): string =>
  JSON.stringify({ type, symbol: finnhubSymbolOf(pair) });

/**
 * `wss://ws.finnhub.io` trades: one subscribe message per symbol; each trade frame may carry
 * several trades, of which the latest per pair is the price. The key goes in the connect URL's
 * `token` (the stream client cannot set headers), so that URL is a secret: never log it.
 */
export const finnhubStream: StreamSourceDefinition = {
  id: 'finnhub',
  defaultWsUrl: 'wss://ws.finnhub.io',
  maxPairsPerMessage: 1,

  connectUrl(baseWsUrl: string, _pairs: readonly Pair[], ctx: SourceContext): string {
    if (!ctx.apiKey) return baseWsUrl;
    const url = new URL(baseWsUrl);
    url.searchParams.set('token', ctx.apiKey);
    return url.toString();
  },

  subscribeMessages: (pairs) => pairs.map((pair) => message('subscribe', pair)),
  unsubscribeMessages: (pairs) => pairs.map((pair) => message('unsubscribe', pair)),

  parseMessage(text: string): StreamEvent {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { type: 'error', error: { kind: 'bad_json', message: 'finnhub stream frame is not JSON' } };
    }
    const envelope = finnhubStreamEnvelopeSchema.safeParse(json);
    if (!envelope.success)
      return { type: 'error', error: { kind: 'schema', message: 'finnhub stream frame has no type' } };
    if (envelope.data.type === 'error') {
      const frame = finnhubStreamErrorSchema.safeParse(json);
      return {
        type: 'error',
        error: finnhubError(frame.success ? frame.data.msg : 'unspecified stream error'),
      };
    }
    if (envelope.data.type !== 'trade') return { type: 'ignore' }; // ping, and channels we never subscribe to

    const trades = finnhubTradesSchema.safeParse(json);
    if (!trades.success)
      return {
        type: 'error',
        error: { kind: 'schema', message: 'finnhub trade frame has an unexpected shape' },
      };
    const latest = new Map<string, { pair: Pair; price: number; timeMs: number }>();
    for (const trade of trades.data.data) {
      const pair = pairOfFinnhubSymbol(trade.s);
      const seen = latest.get(trade.s);
      if (pair && (!seen || trade.t >= seen.timeMs))
        latest.set(trade.s, { pair, price: trade.p, timeMs: trade.t });
    }
    const results = [...latest.values()].map(({ pair, price, timeMs }) => priceFor(pair, price, timeMs));
    const prices: SourcePrice[] = results.filter(isSourcePrice);
    if (prices.length > 0) return { type: 'prices', prices };
    const failure = results.find((r): r is SourcePairError => !isSourcePrice(r));
    return failure ? { type: 'error', error: failure.error } : { type: 'ignore' };
  },
};
