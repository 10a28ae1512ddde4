import type { HttpSourceDefinition, Pair, SourceError, StreamSourceDefinition } from '../price-source.js';
import { hasPlainSymbols, pairError, priceFor } from '../source-price.js';
import { jsonFrame, pricesEvent, schemaError, streamError } from '../stream-frame.js';
import {
  bybitOpResponseSchema,
  bybitTickerMessageSchema,
  bybitTickersResponseSchema,
  type BybitTickersResponse,
} from './bybit.schema.js';
import { bybitSymbol, bybitTickerTopic, pairFromBybitSymbol } from './bybit.symbols.js';

/**
 * REST: `GET /v5/market/tickers?category=spot&symbol=BTCUSDT`. Without `symbol` Bybit returns every
 * spot ticker and it takes no list of symbols, so one pair per request.
 */
export const bybitHttp: HttpSourceDefinition<BybitTickersResponse> = {
  id: 'bybit',
  defaultBaseUrl: 'https://api.bybit.com',
  defaultRps: 120,
  /**
   * REST `time` is when Bybit answered (the tickers carry none), stream `ts` when the push was made:
   * a minute old means an answer held up or replayed on the way.
   */
  defaultMaxSourceAgeMs: 60_000,
  maxBatchSize: 1,
  requiresApiKey: false,
  supports: hasPlainSymbols,
  buildRequest(pairs) {
    const [pair] = pairs;
    if (!pair || pairs.length > 1) throw new Error(`bybit takes one pair per request, got ${pairs.length}`);
    return { path: `/v5/market/tickers?category=spot&symbol=${encodeURIComponent(bybitSymbol(pair))}` };
  },
  responseSchema: bybitTickersResponseSchema,
  toQuotes(response, pairs) {
    return pairs.map((pair) => {
      if (response.retCode !== 0) return { pair, error: apiError(response.retCode, response.retMsg) };
      const ticker = response.result.list?.find((t) => t.symbol === bybitSymbol(pair));
      if (!ticker) return pairError(pair, 'not_found', `bybit: no ticker for ${bybitSymbol(pair)}`);
      return priceFor(pair, ticker.lastPrice, response.time);
    });
  },
};

/** Stream: `wss://stream.bybit.com/v5/public/spot`, topics `tickers.<SYMBOL>` (10 per request), JSON pings. */
export const bybitStream: StreamSourceDefinition = {
  id: 'bybit',
  defaultWsUrl: 'wss://stream.bybit.com/v5/public/spot',
  maxPairsPerMessage: 10,
  subscribeMessages: (pairs) => request('subscribe', pairs),
  unsubscribeMessages: (pairs) => request('unsubscribe', pairs),
  pingMessage: (nowMs) => JSON.stringify({ req_id: String(nowMs), op: 'ping' }),
  parseMessage(text) {
    const parsed = jsonFrame('bybit', text);
    if (!parsed.ok) return parsed.error;
    const frame = parsed.value;
    if ('op' in frame && !('topic' in frame)) {
      const answer = bybitOpResponseSchema.safeParse(frame);
      if (!answer.success) return schemaError('bybit', answer.error);
      if (answer.data.success) return { type: 'ignore' };
      const kind = /invalid symbol|not supported/i.test(answer.data.ret_msg) ? 'not_found' : 'http';
      return streamError('bybit', kind, `${answer.data.op}: ${answer.data.ret_msg}`);
    }
    const message = bybitTickerMessageSchema.safeParse(frame);
    if (!message.success) return schemaError('bybit', message.error);
    const { symbol, lastPrice } = message.data.data;
    const pair = pairFromBybitSymbol(symbol);
    if (!pair) return streamError('bybit', 'unsupported', `cannot tell base and quote of symbol ${symbol}`);
    return pricesEvent([priceFor(pair, lastPrice, message.data.ts)]);
  },
};

function request(op: 'subscribe' | 'unsubscribe', pairs: readonly Pair[]): string[] {
  return pairs.length === 0 ? [] : [JSON.stringify({ op, args: pairs.map(bybitTickerTopic) })];
}

/** Bybit retCodes: 10001 bad parameter (unknown symbol), 10006/10018 too many requests, 1000[3-5] key problems. */
function apiError(retCode: number, retMsg: string): SourceError {
  const message = `bybit: ${retMsg} (retCode ${retCode})`;
  if (retCode === 10001 && /symbol/i.test(retMsg)) return { kind: 'not_found', message };
  if (retCode === 10006 || retCode === 10018) return { kind: 'rate_limited', message };
  if (retCode >= 10003 && retCode <= 10005) return { kind: 'unauthorized', message };
  if (retCode === 10016) return { kind: 'http', status: 500, message };
  return { kind: 'http', message };
}
