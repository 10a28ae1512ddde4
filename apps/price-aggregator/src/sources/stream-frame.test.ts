import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pairError, priceFor } from './source-price.js';
import { jsonFrame, pricesEvent, schemaError, streamError } from './stream-frame.js';

const BTC = { base: 'BTC', quote: 'USD' };
const ETH = { base: 'ETH', quote: 'USD' };

describe('stream frames', () => {
  it('reads JSON objects and names the stream in what it rejects', () => {
    expect(jsonFrame('okx', '{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(jsonFrame('okx', '<html>')).toMatchObject({
      ok: false,
      error: { type: 'error', error: { kind: 'bad_json', message: expect.stringMatching(/^okx stream: /) } },
    });
    expect(jsonFrame('okx', '42')).toMatchObject({ ok: false, error: { error: { kind: 'schema' } } });
    expect(jsonFrame('okx', 'null')).toMatchObject({ ok: false, error: { error: { kind: 'schema' } } });
    expect(streamError('kraken', 'http', 'boom')).toEqual({
      type: 'error',
      error: { kind: 'http', message: 'kraken stream: boom' },
    });
  });

  it('says which fields did not match the schema', () => {
    const parsed = z.object({ data: z.object({ price: z.string() }) }).safeParse({ data: { price: 1 } });
    if (parsed.success) throw new Error('expected a mismatch');
    expect(schemaError('bybit', parsed.error)).toMatchObject({
      type: 'error',
      error: { kind: 'schema', message: expect.stringContaining('bybit stream: data.price:') },
    });
  });

  it('keeps the good prices of a frame, and reports a failure only when none is good', () => {
    const good = priceFor(BTC, '1');
    const bad = pairError(ETH, 'invalid_price', 'zero');
    expect(pricesEvent([bad, good])).toEqual({ type: 'prices', prices: [good] });
    expect(pricesEvent([bad])).toEqual({ type: 'error', error: bad.error });
    expect(pricesEvent([])).toEqual({ type: 'prices', prices: [] });
  });
});
