import type { Pair, SourceContext, StreamEvent, StreamSourceDefinition } from '../price-source.js';
import { priceFor } from '../source-price.js';
import { jsonFrame, pricesEvent, streamError } from '../stream-frame.js';
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
    const frame = jsonFrame('finnhub', text);
    if (!frame.ok) return frame.error;
    const envelope = finnhubStreamEnvelopeSchema.safeParse(frame.value);
    if (!envelope.success) return streamError('finnhub', 'schema', 'frame has no type');
    if (envelope.data.type === 'error') {
      const rejected = finnhubStreamErrorSchema.safeParse(frame.value);
      return {
        type: 'error',
        error: finnhubError(rejected.success ? rejected.data.msg : 'unspecified stream error'),
      };
    }
    if (envelope.data.type !== 'trade') return { type: 'ignore' }; // ping, and channels we never subscribe to

    const trades = finnhubTradesSchema.safeParse(frame.value);
    if (!trades.success) return streamError('finnhub', 'schema', 'trade frame has an unexpected shape');
    const latest = new Map<string, { pair: Pair; price: number; timeMs: number }>();
    for (const trade of trades.data.data) {
      const pair = pairOfFinnhubSymbol(trade.s);
      const seen = latest.get(trade.s);
      if (pair && (!seen || trade.t >= seen.timeMs))
        latest.set(trade.s, { pair, price: trade.p, timeMs: trade.t });
    }
    if (latest.size === 0) return { type: 'ignore' }; // trades of symbols we cannot read
    return pricesEvent([...latest.values()].map(({ pair, price, timeMs }) => priceFor(pair, price, timeMs)));
  },
};
