import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WsRecorder } from '../test/ws-recorder.js';
import {
  CONTROL_TIMESTAMP_OFFSET_PATH,
  handleControlRequest,
  parseTimestampOffsetRequest,
} from './control.js';
import { FakeExchange } from './server.js';

const TWO_DAYS_MS = 2 * 86_400_000;

describe('parseTimestampOffsetRequest', () => {
  it('takes an integer offset in ms, null to clear, and names what is wrong', () => {
    const ids = ['okx', 'kraken'];
    expect(parseTimestampOffsetRequest({ source: 'okx', offsetMs: -TWO_DAYS_MS }, ids)).toEqual({
      source: 'okx',
      offsetMs: -TWO_DAYS_MS,
    });
    expect(parseTimestampOffsetRequest({ source: 'okx', offsetMs: null }, ids)).toEqual({
      source: 'okx',
      offsetMs: 0,
    });
    expect(parseTimestampOffsetRequest({ source: 'nasdaq', offsetMs: 0 }, ids)).toHaveProperty('error');
    for (const offsetMs of ['-1000', 1.5, undefined])
      expect(parseTimestampOffsetRequest({ source: 'okx', offsetMs }, ids), String(offsetMs)).toEqual({
        error: 'offsetMs must be an integer number of ms, or null',
      });
  });
});

describe('timestamp offset on a running exchange', () => {
  let exchange: FakeExchange;
  const okxTicker = async (): Promise<{ last: string; ts: string }> => {
    const body = (await (
      await fetch(`${exchange.url('okx')}/api/v5/market/ticker?instId=BTC-USDT`)
    ).json()) as { data: Array<{ last: string; ts: string }> };
    return body.data[0] as { last: string; ts: string };
  };
  const control = (body: unknown): Promise<Response> =>
    fetch(`${exchange.origin}${CONTROL_TIMESTAMP_OFFSET_PATH}`, {
      method: 'POST',
      body: JSON.stringify(body),
    });

  beforeEach(async () => {
    exchange = await FakeExchange.start({ unrouted: handleControlRequest });
    exchange.setPrice('okx', 'BTC', 'USDT', '65000');
  });

  afterEach(async () => {
    await exchange.close();
  });

  it('stamps okx REST tickers and stream pushes in the past, with the current price', async () => {
    exchange.setTimestampOffset('okx', -TWO_DAYS_MS);
    const stale = await okxTicker();
    expect(stale.last).toBe('65000');
    expect(Math.abs(Date.now() - TWO_DAYS_MS - Number(stale.ts))).toBeLessThan(5_000);

    const ws = await WsRecorder.open(exchange.wsUrl('okx'));
    try {
      ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'tickers', instId: 'BTC-USDT' }] }));
      const push = JSON.parse(await ws.next((text) => text.includes('"data"'))) as {
        data: Array<{ ts: string }>;
      };
      expect(Math.abs(Date.now() - TWO_DAYS_MS - Number(push.data[0]?.ts))).toBeLessThan(5_000);
    } finally {
      ws.close();
    }

    exchange.setTimestampOffset('okx', 0);
    expect(Math.abs(Date.now() - Number((await okxTicker()).ts))).toBeLessThan(5_000);
    expect(() => exchange.setTimestampOffset('nasdaq', 1)).toThrow(/does not know/);
  });

  it('is set and cleared through the control API', async () => {
    expect((await control({ source: 'okx', offsetMs: -TWO_DAYS_MS })).status).toBe(204);
    expect(Date.now() - Number((await okxTicker()).ts)).toBeGreaterThan(TWO_DAYS_MS - 5_000);
    const refused = await control({ source: 'okx', offsetMs: 'yesterday' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'offsetMs must be an integer number of ms, or null' });
    expect((await control({ source: 'okx', offsetMs: null })).status).toBe(204);
    expect(Math.abs(Date.now() - Number((await okxTicker()).ts))).toBeLessThan(5_000);
  });
});
