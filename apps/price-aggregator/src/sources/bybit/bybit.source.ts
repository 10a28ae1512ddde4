import { normalizeDecimal } from '@oracle/core';
import type { z } from 'zod';
import {
  pairKey,
  type HttpSourceDefinition,
  type Pair,
  type SourceError,
  type SourceErrorKind,
  type SourcePairError,
  type SourcePrice,
  type StreamEvent,
  type StreamSourceDefinition,
} from '../price-source.js';
import {
  bybitOpResponseSchema,
  bybitTickerMessageSchema,
  bybitTickersResponseSchema,
  type BybitTickersResponse,
} from './bybit.schema.js';
import { bybitSymbol, bybitTickerTopic, pairFromBybitSymbol } from './bybit.symbols.js';

const supports = (pair: Pair): boolean =>
  /^[A-Z0-9]{1,20}$/.test(pair.base) && /^[A-Z0-9]{1,20}$/.test(pair.quote);

/**
 * REST: `GET /v5/market/tickers?category=spot&symbol=BTCUSDT`. Without `symbol` Bybit returns every
 * spot ticker and it takes no list of symbols, so one pair per request.
 */
export const bybitHttp: HttpSourceDefinition<BybitTickersResponse> = {
  id: 'bybit',
  defaultBaseUrl: 'https://api.bybit.com',
  defaultRps: 120,
  maxBatchSize: 1,
  requiresApiKey: false,
  supports,
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
      if (!ticker)
        return { pair, error: { kind: 'not_found', message: `bybit: no ticker for ${bybitSymbol(pair)}` } };
      return priceOf(pair, ticker.lastPrice, response.time);
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
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return streamError('bad_json', `frame is not JSON: ${text.slice(0, 80)}`);
    }
    if (typeof frame !== 'object' || frame === null) return streamError('schema', 'frame is not an object');
    if ('op' in frame && !('topic' in frame)) {
      const answer = bybitOpResponseSchema.safeParse(frame);
      if (!answer.success) return streamError('schema', describe(answer.error));
      if (answer.data.success) return { type: 'ignore' };
      const kind = /invalid symbol|not supported/i.test(answer.data.ret_msg) ? 'not_found' : 'http';
      return streamError(kind, `${answer.data.op}: ${answer.data.ret_msg}`);
    }
    const message = bybitTickerMessageSchema.safeParse(frame);
    if (!message.success) return streamError('schema', describe(message.error));
    const pair = pairFromBybitSymbol(message.data.data.symbol);
    if (!pair)
      return streamError('unsupported', `cannot tell base and quote of symbol ${message.data.data.symbol}`);
    const quote = priceOf(pair, message.data.data.lastPrice, message.data.ts);
    return 'error' in quote ? { type: 'error', error: quote.error } : { type: 'prices', prices: [quote] };
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

function priceOf(pair: Pair, raw: string, sourceTimestampMs: number): SourcePrice | SourcePairError {
  const price = normalizeDecimal(raw);
  if (price === undefined || price === '0' || price.startsWith('-')) {
    const message = `bybit: price ${JSON.stringify(raw)} of ${pairKey(pair)} is not a positive decimal`;
    return { pair, error: { kind: 'invalid_price', message } };
  }
  return { pair, price, sourceTimestampMs };
}

const streamError = (kind: SourceErrorKind, message: string): StreamEvent => ({
  type: 'error',
  error: { kind, message: `bybit stream: ${message}` },
});

const describe = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
