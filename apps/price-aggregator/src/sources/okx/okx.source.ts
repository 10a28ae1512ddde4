import type { HttpSourceDefinition, Pair, SourceError, StreamSourceDefinition } from '../price-source.js';
import { failAll, hasPlainSymbols, pairError, priceFor, type PriceResult } from '../source-price.js';
import { jsonFrame, pricesEvent, schemaError, streamError } from '../stream-frame.js';
import {
  okxStreamEventSchema,
  okxTickerPushSchema,
  okxTickerResponseSchema,
  type OkxTickerResponse,
} from './okx.schema.js';
import { okxInstId, pairFromOkxInstId } from './okx.symbols.js';

/**
 * REST: `GET /api/v5/market/ticker?instId=BTC-USDT`. OKX has no call for a chosen set of
 * instruments (`/market/tickers?instType=SPOT` returns every spot ticker), so one pair per request.
 */
export const okxHttp: HttpSourceDefinition<OkxTickerResponse> = {
  id: 'okx',
  defaultBaseUrl: 'https://www.okx.com',
  defaultRps: 10,
  /** `ts` is when OKX generated the ticker, REST and stream alike: a live market's is seconds old. */
  defaultMaxSourceAgeMs: 60_000,
  maxBatchSize: 1,
  requiresApiKey: false,
  supports: hasPlainSymbols,
  buildRequest(pairs) {
    const [pair] = pairs;
    if (!pair || pairs.length > 1) throw new Error(`okx takes one pair per request, got ${pairs.length}`);
    return { path: `/api/v5/market/ticker?instId=${encodeURIComponent(okxInstId(pair))}` };
  },
  responseSchema: okxTickerResponseSchema,
  toQuotes(response, pairs) {
    if (response.code !== '0') return failAll(pairs, apiError(response.code, response.msg));
    return pairs.map((pair) => {
      const ticker = response.data.find((t) => t.instId === okxInstId(pair));
      if (!ticker) return pairError(pair, 'not_found', `okx: no ticker for ${okxInstId(pair)}`);
      return priceFor(pair, ticker.last, Number(ticker.ts));
    });
  },
};

/**
 * Stream: `wss://ws.okx.com:8443/ws/v5/public`, channel `tickers` per instId. OKX drops a
 * connection after 30 s without traffic, so the client sends the text `ping` (answered `pong`).
 */
export const okxStream: StreamSourceDefinition = {
  id: 'okx',
  defaultWsUrl: 'wss://ws.okx.com:8443/ws/v5/public',
  maxPairsPerMessage: 50,
  subscribeMessages: (pairs) => request('subscribe', pairs),
  unsubscribeMessages: (pairs) => request('unsubscribe', pairs),
  pingMessage: () => 'ping',
  parseMessage(text) {
    if (text === 'pong') return { type: 'ignore' };
    const parsed = jsonFrame('okx', text);
    if (!parsed.ok) return parsed.error;
    const frame = parsed.value;
    if ('event' in frame) {
      const event = okxStreamEventSchema.safeParse(frame);
      if (!event.success) return schemaError('okx', event.error);
      if (event.data.event !== 'error') return { type: 'ignore' };
      return { type: 'error', error: apiError(event.data.code ?? '', event.data.msg ?? '', 'okx stream') };
    }
    const push = okxTickerPushSchema.safeParse(frame);
    if (!push.success) return schemaError('okx', push.error);
    const quotes: PriceResult[] = [];
    for (const ticker of push.data.data) {
      const pair = pairFromOkxInstId(ticker.instId);
      if (!pair) return streamError('okx', 'unsupported', `${ticker.instId} is not a spot pair`);
      quotes.push(priceFor(pair, ticker.last, Number(ticker.ts)));
    }
    return pricesEvent(quotes);
  },
};

function request(op: 'subscribe' | 'unsubscribe', pairs: readonly Pair[]): string[] {
  if (pairs.length === 0) return [];
  return [
    JSON.stringify({ op, args: pairs.map((pair) => ({ channel: 'tickers', instId: okxInstId(pair) })) }),
  ];
}

/** OKX error codes: 51001 unknown instrument, 60018 unknown stream channel/instrument, 50011/60014 too many requests. */
function apiError(code: string, msg: string, who = 'okx'): SourceError {
  const message = `${who}: ${msg} (code ${code})`;
  if (code === '51001' || code === '60018') return { kind: 'not_found', message };
  if (code === '50011' || code === '60014') return { kind: 'rate_limited', message };
  return { kind: 'http', message };
}
