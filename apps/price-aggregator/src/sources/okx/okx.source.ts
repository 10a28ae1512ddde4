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
  okxStreamEventSchema,
  okxTickerPushSchema,
  okxTickerResponseSchema,
  type OkxTickerResponse,
} from './okx.schema.js';
import { okxInstId, pairFromOkxInstId } from './okx.symbols.js';

const supports = (pair: Pair): boolean =>
  /^[A-Z0-9]{1,20}$/.test(pair.base) && /^[A-Z0-9]{1,20}$/.test(pair.quote);

/**
 * REST: `GET /api/v5/market/ticker?instId=BTC-USDT`. OKX has no call for a chosen set of
 * instruments (`/market/tickers?instType=SPOT` returns every spot ticker), so one pair per request.
 */
export const okxHttp: HttpSourceDefinition<OkxTickerResponse> = {
  id: 'okx',
  defaultBaseUrl: 'https://www.okx.com',
  defaultRps: 10,
  maxBatchSize: 1,
  requiresApiKey: false,
  supports,
  buildRequest(pairs) {
    const [pair] = pairs;
    if (!pair || pairs.length > 1) throw new Error(`okx takes one pair per request, got ${pairs.length}`);
    return { path: `/api/v5/market/ticker?instId=${encodeURIComponent(okxInstId(pair))}` };
  },
  responseSchema: okxTickerResponseSchema,
  toQuotes(response, pairs) {
    if (response.code !== '0') {
      const error = apiError(response.code, response.msg);
      return pairs.map((pair) => ({ pair, error }));
    }
    return pairs.map((pair) => {
      const ticker = response.data.find((t) => t.instId === okxInstId(pair));
      if (!ticker)
        return { pair, error: { kind: 'not_found', message: `okx: no ticker for ${okxInstId(pair)}` } };
      return priceOf(pair, ticker.last, Number(ticker.ts));
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
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return streamError('bad_json', `frame is not JSON: ${text.slice(0, 80)}`);
    }
    if (typeof frame !== 'object' || frame === null) return streamError('schema', 'frame is not an object');
    if ('event' in frame) {
      const event = okxStreamEventSchema.safeParse(frame);
      if (!event.success) return streamError('schema', describe(event.error));
      if (event.data.event !== 'error') return { type: 'ignore' };
      return { type: 'error', error: apiError(event.data.code ?? '', event.data.msg ?? '', 'okx stream') };
    }
    const push = okxTickerPushSchema.safeParse(frame);
    if (!push.success) return streamError('schema', describe(push.error));
    const prices: SourcePrice[] = [];
    let invalid: SourcePairError | undefined;
    for (const ticker of push.data.data) {
      const pair = pairFromOkxInstId(ticker.instId);
      if (!pair) return streamError('unsupported', `${ticker.instId} is not a spot pair`);
      const quote = priceOf(pair, ticker.last, Number(ticker.ts));
      if ('error' in quote) invalid = quote;
      else prices.push(quote);
    }
    if (prices.length === 0 && invalid) return { type: 'error', error: invalid.error };
    return { type: 'prices', prices };
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

function priceOf(pair: Pair, raw: string, sourceTimestampMs: number): SourcePrice | SourcePairError {
  const price = normalizeDecimal(raw);
  if (price === undefined || price === '0' || price.startsWith('-')) {
    const message = `okx: price ${JSON.stringify(raw)} of ${pairKey(pair)} is not a positive decimal`;
    return { pair, error: { kind: 'invalid_price', message } };
  }
  return { pair, price, sourceTimestampMs };
}

const streamError = (kind: SourceErrorKind, message: string): StreamEvent => ({
  type: 'error',
  error: { kind, message: `okx stream: ${message}` },
});

const describe = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
