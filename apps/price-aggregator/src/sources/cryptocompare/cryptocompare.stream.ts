import type {
  Pair,
  SourceContext,
  SourceError,
  StreamEvent,
  StreamSourceDefinition,
} from '../price-source.js';
import { priceFor, upstreamText } from '../source-price.js';
import { jsonFrame, pricesEvent, streamError } from '../stream-frame.js';
import {
  cryptoCompareAggregateIndexSchema,
  cryptoCompareStreamEnvelopeSchema,
} from './cryptocompare.schema.js';

const MAX_SUBS_PER_MESSAGE = 25;

const subscription = (pair: Pair): string => `5~CCCAGG~${pair.base}~${pair.quote}`;

function actionMessages(action: 'SubAdd' | 'SubRemove', pairs: readonly Pair[]): string[] {
  const messages: string[] = [];
  for (let i = 0; i < pairs.length; i += MAX_SUBS_PER_MESSAGE) {
    messages.push(
      JSON.stringify({ action, subs: pairs.slice(i, i + MAX_SUBS_PER_MESSAGE).map(subscription) }),
    );
  }
  return messages;
}

const errorEvent = (error: SourceError): StreamEvent => ({ type: 'error', error });

/** Control frames with an error TYPE (401, 429, 500) as our kinds. */
function controlError(type: string, message: string, parameter: string | undefined): StreamEvent | undefined {
  const text = `cryptocompare stream ${type} ${upstreamText(message)}${parameter ? ` (${upstreamText(parameter)})` : ''}`;
  if (type === '401') return errorEvent({ kind: 'unauthorized', message: text });
  if (type === '429') return errorEvent({ kind: 'rate_limited', message: text });
  if (type === '500') {
    // INVALID_SUB and friends name the refused subscription; anything else is a server-side failure.
    return errorEvent(
      parameter?.startsWith('5~')
        ? { kind: 'not_found', message: text }
        : { kind: 'http', status: 500, message: text },
    );
  }
  return undefined;
}

/**
 * `wss://streamer.cryptocompare.com/v2`, CCCAGG aggregate index (`5~CCCAGG~BASE~QUOTE`). The key
 * goes in the connect URL's `api_key` (the stream client cannot set headers), so that URL is a
 * secret: never log it.
 */
export const cryptoCompareStream: StreamSourceDefinition = {
  id: 'cryptocompare',
  defaultWsUrl: 'wss://streamer.cryptocompare.com/v2',
  maxPairsPerMessage: MAX_SUBS_PER_MESSAGE,

  connectUrl(baseWsUrl: string, _pairs: readonly Pair[], ctx: SourceContext): string {
    if (!ctx.apiKey) return baseWsUrl;
    const url = new URL(baseWsUrl);
    url.searchParams.set('api_key', ctx.apiKey);
    return url.toString();
  },

  subscribeMessages: (pairs) => actionMessages('SubAdd', pairs),
  unsubscribeMessages: (pairs) => actionMessages('SubRemove', pairs),

  parseMessage(text: string): StreamEvent {
    const frame = jsonFrame('cryptocompare', text);
    if (!frame.ok) return frame.error;
    const envelope = cryptoCompareStreamEnvelopeSchema.safeParse(frame.value);
    if (!envelope.success) return streamError('cryptocompare', 'schema', 'frame has no TYPE');
    const { TYPE, MESSAGE = '', PARAMETER } = envelope.data;
    if (TYPE !== '5') return controlError(TYPE, MESSAGE, PARAMETER) ?? { type: 'ignore' };

    const update = cryptoCompareAggregateIndexSchema.safeParse(frame.value);
    if (!update.success)
      return streamError('cryptocompare', 'schema', 'aggregate index frame has an unexpected shape');
    const { FROMSYMBOL, TOSYMBOL, PRICE, LASTUPDATE } = update.data;
    if (PRICE === undefined) return { type: 'ignore' }; // an update of other fields; the price did not move
    const updatedMs = LASTUPDATE === undefined ? undefined : LASTUPDATE * 1000;
    return pricesEvent([priceFor({ base: FROMSYMBOL, quote: TOSYMBOL }, PRICE, updatedMs)]);
  },
};
