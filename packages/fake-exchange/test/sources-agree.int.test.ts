/**
 * The fake exchange and the price source definitions must speak the same wire format, and both
 * the format of the exchanges' documentation (the sources' fixtures). This runs each definition
 * against the fake the way the aggregator does: build the request, fetch, validate with the
 * response schema, map to quotes; connect the stream, subscribe, parse what it pushes.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { binance } from '../../../apps/price-aggregator/src/sources/binance/index.js';
import { bybit } from '../../../apps/price-aggregator/src/sources/bybit/index.js';
import { coinbase } from '../../../apps/price-aggregator/src/sources/coinbase/index.js';
import { kraken } from '../../../apps/price-aggregator/src/sources/kraken/index.js';
import { kucoin } from '../../../apps/price-aggregator/src/sources/kucoin/index.js';
import { okx } from '../../../apps/price-aggregator/src/sources/okx/index.js';
import type {
  Pair,
  PriceSourceModule,
  StreamEvent,
} from '../../../apps/price-aggregator/src/sources/price-source.js';
import { FakeExchange } from '../src/index.js';
import { WsRecorder } from './ws-recorder.js';

interface Case {
  readonly module: PriceSourceModule;
  readonly pair: Pair;
  readonly other: Pair;
  /** The documented single-pair REST answer and stream ticker, in the source's fixtures. */
  readonly restFixture: string;
  readonly streamFixture: string;
}

const USDT = (base: string): Pair => ({ base, quote: 'USDT' });
const USD = (base: string): Pair => ({ base, quote: 'USD' });
const cases: Case[] = [
  {
    module: binance,
    pair: USDT('BTC'),
    other: USDT('ETH'),
    restFixture: 'ticker-price-single.json',
    streamFixture: 'stream-mini-ticker.json',
  },
  {
    module: okx,
    pair: USDT('BTC'),
    other: USDT('ETH'),
    restFixture: 'ticker.json',
    streamFixture: 'stream-ticker.json',
  },
  {
    module: coinbase,
    pair: USD('BTC'),
    other: USD('ETH'),
    restFixture: 'products-single.json',
    streamFixture: 'stream-ticker.json',
  },
  {
    module: kraken,
    pair: USD('BTC'),
    other: USD('ETH'),
    restFixture: 'ticker-single.json',
    streamFixture: 'stream-ticker.json',
  },
  {
    module: kucoin,
    pair: USDT('BTC'),
    other: USDT('ETH'),
    restFixture: 'level1.json',
    streamFixture: 'stream-ticker.json',
  },
  {
    module: bybit,
    pair: USDT('BTC'),
    other: USDT('ETH'),
    restFixture: 'tickers-single.json',
    streamFixture: 'stream-ticker.json',
  },
];

let exchange: FakeExchange;
beforeAll(async () => {
  exchange = await FakeExchange.start();
});
afterAll(async () => {
  await exchange.close();
});

describe.each(cases)(
  '$module.http.id against the fake exchange',
  ({ module, pair, other, restFixture, streamFixture }) => {
    const { http } = module;
    const id = http.id;
    const stream = module.stream;
    const unknown: Pair = { base: 'FOO', quote: pair.quote };
    const fixture = (name: string): unknown =>
      JSON.parse(
        readFileSync(
          new URL(`../../../apps/price-aggregator/src/sources/${id}/fixtures/${name}`, import.meta.url),
          'utf8',
        ),
      );

    /** One REST round trip; the body is mapped whatever the status, as API errors live in bodies. */
    const fetchQuotes = async (pairs: readonly Pair[]) => {
      const spec = http.buildRequest(pairs, {});
      const response = await fetch(`${exchange.url(id)}${spec.path}`, { method: spec.method ?? 'GET' });
      const body: unknown = await response.json();
      const parsed = http.responseSchema.safeParse(body);
      return {
        status: response.status,
        body,
        parsed,
        quotes: parsed.success ? http.toQuotes(parsed.data, pairs) : [],
      };
    };

    beforeEach(() => {
      exchange.setFault(id, undefined);
      exchange.setPrice(id, pair.base, pair.quote, '65000.5');
      exchange.setPrice(id, other.base, other.quote, '3500.25');
    });

    it('answers REST in the shape of the documented fixture, with the price set', async () => {
      const { status, body, quotes } = await fetchQuotes([pair]);
      expect(status).toBe(200);
      expect(shapeIssues(body, fixture(restFixture))).toEqual([]);
      expect(quotes).toMatchObject([{ pair, price: '65000.5' }]);
    });

    it('answers a batch when the source batches', async () => {
      const pairs = http.maxBatchSize > 1 ? [other, pair] : [other];
      const { quotes } = await fetchQuotes(pairs);
      expect(quotes).toMatchObject(
        pairs.map((p) => ({ pair: p, price: p === pair ? '65000.5' : '3500.25' })),
      );
    });

    it('reports an unknown pair as not_found', async () => {
      const { quotes } = await fetchQuotes([unknown]);
      expect(quotes).toMatchObject([{ pair: unknown, error: { kind: 'not_found' } }]);
    });

    it('fails the schema under the schema fault, and rejects zero and negative prices', async () => {
      exchange.setFault(id, { kind: 'schema' });
      expect((await fetchQuotes([pair])).parsed.success).toBe(false);
      for (const kind of ['zero', 'negative'] as const) {
        exchange.setFault(id, { kind });
        expect((await fetchQuotes([pair])).quotes, kind).toMatchObject([
          { pair, error: { kind: 'invalid_price' } },
        ]);
      }
    });

    it('streams the price on subscribe and every change after, in the documented shape', async () => {
      if (!stream) throw new Error(`${id} has no stream definition`);
      const socket = await WsRecorder.open(await connectUrl(module));
      const events = (text: string): StreamEvent => stream.parseMessage(text, Date.now());
      const pricesOf = (text: string) => {
        const event = events(text);
        return event.type === 'prices' ? event.prices : [];
      };
      try {
        for (const message of stream.subscribeMessages([pair], {})) socket.send(message);
        const first = await socket.next((text) => pricesOf(text).length > 0);
        expect(pricesOf(first)).toMatchObject([{ pair, price: '65000.5' }]);
        expect(shapeIssues(JSON.parse(first), fixture(streamFixture))).toEqual([]);

        exchange.setPrice(id, pair.base, pair.quote, '65001.75');
        expect(pricesOf(await socket.next((text) => pricesOf(text).length > 0))).toMatchObject([
          { pair, price: '65001.75' },
        ]);

        exchange.setPrice(id, other.base, other.quote, '3600');
        exchange.setFault(id, { kind: 'zero' });
        exchange.setPrice(id, pair.base, pair.quote, '65002');
        const zero = await socket.next((text) => events(text).type !== 'ignore');
        expect(events(zero)).toMatchObject({ type: 'error', error: { kind: 'invalid_price' } });
        exchange.setFault(id, undefined);

        const ping = stream.pingMessage?.(Date.now());
        if (ping !== undefined) {
          const seen = socket.messages.length;
          socket.send(ping);
          await waitUntil(() => socket.messages.length > seen);
          expect(socket.messages.slice(seen).map((text) => events(text).type)).not.toContain('error');
        }
        for (const message of stream.unsubscribeMessages([pair], {})) socket.send(message);
      } finally {
        socket.close();
      }
    });

    it('is dropped under the ws-drop fault', async () => {
      const socket = await WsRecorder.open(await connectUrl(module));
      exchange.setFault(id, { kind: 'ws-drop' });
      expect(await socket.closed).toBe(1006);
      exchange.setFault(id, undefined);
    });
  },
);

describe('kucoin negotiation', () => {
  it('connects to the configured URL with the negotiated token, and is refused without one', async () => {
    exchange.setPrice('kucoin', 'BTC', 'USDT', '64000');
    const url = await connectUrl(kucoin, exchange.wsUrl('kucoin'));
    expect(new URL(url).searchParams.get('token')).toMatch(/^fake-token-/);
    const socket = await WsRecorder.open(url);
    expect(kucoin.stream?.parseMessage(await socket.next(() => true), 0)).toEqual({ type: 'ignore' });
    socket.close();
    const refused = await WsRecorder.open(exchange.wsUrl('kucoin'));
    expect(await refused.closed).toBe(1008);
  });
});

/** The stream URL the aggregator would connect to, negotiating first where the source needs it. */
async function connectUrl(module: PriceSourceModule, configuredWsUrl?: string): Promise<string> {
  const stream = module.stream;
  if (!stream) throw new Error(`${module.http.id} has no stream`);
  if (!stream.negotiate) return exchange.wsUrl(stream.id);
  const spec = stream.negotiate.request({});
  const response = await fetch(`${exchange.url(stream.id)}${spec.path}`, { method: spec.method ?? 'GET' });
  const body = stream.negotiate.responseSchema.parse(await response.json());
  return stream.negotiate.connectUrl(body, configuredWsUrl);
}

/**
 * Where `actual` strays from the documented example: fields the docs do not have, or a different
 * JSON type (string vs number) for a field they do. Fields the fake leaves out are fine.
 */
function shapeIssues(actual: unknown, documented: unknown, path = '$'): string[] {
  if (Array.isArray(actual)) {
    if (!Array.isArray(documented)) return [`${path}: array where the docs have ${kindOf(documented)}`];
    const model: unknown = documented[0];
    return model === undefined ? [] : actual.flatMap((item, i) => shapeIssues(item, model, `${path}[${i}]`));
  }
  if (isRecord(actual)) {
    if (!isRecord(documented)) return [`${path}: object where the docs have ${kindOf(documented)}`];
    return Object.entries(actual).flatMap(([key, value]) =>
      key in documented
        ? shapeIssues(value, documented[key], `${path}.${key}`)
        : [`${path}.${key}: not in the docs`],
    );
  }
  return kindOf(actual) === kindOf(documented)
    ? []
    : [`${path}: ${kindOf(actual)} where the docs have ${kindOf(documented)}`];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
