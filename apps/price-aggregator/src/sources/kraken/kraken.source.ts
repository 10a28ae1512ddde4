import { normalizeDecimal, numberToDecimalString } from '@oracle/core';
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
  krakenControlMessageSchema,
  krakenMethodResponseSchema,
  krakenTickerMessageSchema,
  krakenTickerResponseSchema,
  type KrakenTickerResponse,
} from './kraken.schema.js';
import {
  krakenPairName,
  krakenResultKeys,
  krakenWsSymbol,
  pairFromKrakenWsSymbol,
} from './kraken.symbols.js';

const supports = (pair: Pair): boolean =>
  /^[A-Z0-9]{1,20}$/.test(pair.base) && /^[A-Z0-9]{1,20}$/.test(pair.quote);

/**
 * REST: `GET /0/public/Ticker?pair=XBTUSD,ETHUSD`. The answer is keyed by Kraken's own pair names
 * (legacy `XXBTZUSD` for old pairs), mapped back to the requested pair. One unknown pair fails the
 * whole request with `EQuery:Unknown asset pair`.
 */
export const krakenHttp: HttpSourceDefinition<KrakenTickerResponse> = {
  id: 'kraken',
  defaultBaseUrl: 'https://api.kraken.com',
  defaultRps: 1,
  maxBatchSize: 50,
  requiresApiKey: false,
  supports,
  buildRequest(pairs) {
    return { path: `/0/public/Ticker?pair=${pairs.map(krakenPairName).join(',')}` };
  },
  responseSchema: krakenTickerResponseSchema,
  toQuotes(response, pairs) {
    const errors = response.error.filter((entry) => entry.startsWith('E'));
    if (errors.length > 0) {
      const error = apiError(errors, pairs.length);
      return pairs.map((pair) => ({ pair, error }));
    }
    const result = response.result ?? {};
    const keys = Object.keys(result);
    return pairs.map((pair) => {
      const key =
        krakenResultKeys(pair).find((candidate) => Object.hasOwn(result, candidate)) ??
        (pairs.length === 1 && keys.length === 1 ? keys[0] : undefined);
      const last = key === undefined ? undefined : result[key]?.c[0];
      if (last === undefined) {
        return {
          pair,
          error: { kind: 'not_found', message: `kraken: no ticker for ${krakenPairName(pair)}` },
        };
      }
      return priceOf(pair, last);
    });
  },
};

/** Stream: `wss://ws.kraken.com/v2`, channel `ticker` with common symbols ("BTC/USD"); `last` is a number. */
export const krakenStream: StreamSourceDefinition = {
  id: 'kraken',
  defaultWsUrl: 'wss://ws.kraken.com/v2',
  maxPairsPerMessage: 50,
  subscribeMessages: (pairs) => request('subscribe', pairs),
  unsubscribeMessages: (pairs) => request('unsubscribe', pairs),
  pingMessage: (nowMs) => JSON.stringify({ method: 'ping', req_id: nowMs }),
  parseMessage(text) {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return streamError('bad_json', `frame is not JSON: ${text.slice(0, 80)}`);
    }
    if (typeof frame !== 'object' || frame === null) return streamError('schema', 'frame is not an object');
    if ('method' in frame) {
      const answer = krakenMethodResponseSchema.safeParse(frame);
      if (!answer.success) return streamError('schema', describe(answer.error));
      if (answer.data.success !== false) return { type: 'ignore' };
      const error = answer.data.error ?? 'request failed';
      const kind = /not supported|not found/i.test(error)
        ? 'not_found'
        : /rate/i.test(error)
          ? 'rate_limited'
          : 'http';
      return streamError(kind, `${answer.data.method}: ${error}`);
    }
    if (!('channel' in frame) || frame.channel !== 'ticker') {
      const control = krakenControlMessageSchema.safeParse(frame);
      return control.success ? { type: 'ignore' } : streamError('schema', describe(control.error));
    }
    const message = krakenTickerMessageSchema.safeParse(frame);
    if (!message.success) return streamError('schema', describe(message.error));
    const prices: SourcePrice[] = [];
    let invalid: SourcePairError | undefined;
    for (const ticker of message.data.data) {
      const pair = pairFromKrakenWsSymbol(ticker.symbol);
      if (!pair) return streamError('unsupported', `cannot read symbol ${ticker.symbol}`);
      const timestampMs = ticker.timestamp === undefined ? Number.NaN : Date.parse(ticker.timestamp);
      const quote = priceOf(
        pair,
        numberToDecimalString(ticker.last) ?? '',
        Number.isNaN(timestampMs) ? undefined : timestampMs,
      );
      if ('error' in quote) invalid = quote;
      else prices.push(quote);
    }
    if (prices.length === 0 && invalid) return { type: 'error', error: invalid.error };
    return { type: 'prices', prices };
  },
};

function request(method: 'subscribe' | 'unsubscribe', pairs: readonly Pair[]): string[] {
  if (pairs.length === 0) return [];
  return [JSON.stringify({ method, params: { channel: 'ticker', symbol: pairs.map(krakenWsSymbol) } })];
}

function apiError(errors: readonly string[], batchSize: number): SourceError {
  const message = `kraken: ${errors.join(', ')}`;
  if (errors.some((e) => e.startsWith('EAPI:Rate limit') || e.startsWith('EGeneral:Too many'))) {
    return { kind: 'rate_limited', message };
  }
  if (errors.some((e) => e.startsWith('EService:'))) return { kind: 'http', status: 503, message };
  if (errors.some((e) => e.startsWith('EAPI:Invalid key') || e.startsWith('EGeneral:Permission denied'))) {
    return { kind: 'unauthorized', message };
  }
  if (!errors.includes('EQuery:Unknown asset pair')) return { kind: 'http', message };
  if (batchSize === 1) return { kind: 'not_found', message };
  return {
    kind: 'http',
    status: 400,
    message: `${message}: one of the ${batchSize} pairs of this batch is unknown; ask for them one by one`,
  };
}

function priceOf(pair: Pair, raw: string, sourceTimestampMs?: number): SourcePrice | SourcePairError {
  const price = normalizeDecimal(raw);
  if (price === undefined || price === '0' || price.startsWith('-')) {
    const message = `kraken: price ${JSON.stringify(raw)} of ${pairKey(pair)} is not a positive decimal`;
    return { pair, error: { kind: 'invalid_price', message } };
  }
  return sourceTimestampMs === undefined ? { pair, price } : { pair, price, sourceTimestampMs };
}

const streamError = (kind: SourceErrorKind, message: string): StreamEvent => ({
  type: 'error',
  error: { kind, message: `kraken stream: ${message}` },
});

const describe = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
