import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTROL_FAULT_PATH, handleControlRequest, parseFaultRequest } from './control.js';
import { FakeExchange } from './server.js';

const IDS = ['kraken', 'binance'];

describe('parseFaultRequest', () => {
  it('takes a fault kind by name, or null to clear', () => {
    expect(parseFaultRequest({ source: 'kraken', fault: 'garbage' }, IDS)).toEqual({
      source: 'kraken',
      fault: { kind: 'garbage' },
    });
    expect(parseFaultRequest({ source: 'kraken', fault: 'status' }, IDS)).toEqual({
      source: 'kraken',
      fault: { kind: 'status', status: 503 },
    });
    expect(parseFaultRequest({ source: 'kraken', fault: 'status', status: 429 }, IDS)).toMatchObject({
      fault: { kind: 'status', status: 429 },
    });
    expect(parseFaultRequest({ source: 'binance', fault: null }, IDS)).toEqual({
      source: 'binance',
      fault: undefined,
    });
  });

  it('takes the stream fault kinds, and refuses a status with any other fault', () => {
    for (const kind of ['drop', 'freeze', 'ws-drop'])
      expect(parseFaultRequest({ source: 'kraken', fault: kind }, IDS)).toEqual({
        source: 'kraken',
        fault: { kind },
      });
    expect(parseFaultRequest({ source: 'kraken', fault: 'freeze', status: 503 }, IDS)).toEqual({
      error: 'status is only taken with the status fault, not with freeze',
    });
    expect(parseFaultRequest({ source: 'kraken', fault: null, status: 503 }, IDS)).toHaveProperty('error');
    expect(parseFaultRequest('{"source":"kraken"}', IDS)).toEqual({
      error: 'the body must be a JSON object like {"source": "kraken", "fault": "status"}',
    });
  });

  it('names what is wrong', () => {
    expect(parseFaultRequest({ source: 'nasdaq', fault: null }, IDS)).toEqual({
      error: 'source must be one of kraken, binance',
    });
    expect(parseFaultRequest({ source: 'kraken', fault: 'fire' }, IDS)).toMatchObject({
      error: expect.stringMatching(/^fault must be null or one of status, garbage/),
    });
    expect(parseFaultRequest({ source: 'kraken', fault: 'status', status: 200 }, IDS)).toMatchObject({
      error: expect.stringContaining('400..599'),
    });
    expect(parseFaultRequest(undefined, IDS)).toHaveProperty('error');
  });
});

describe('POST /__control/fault on a running exchange', () => {
  let exchange: FakeExchange;
  const kraken = (): Promise<Response> => fetch(`${exchange.url('kraken')}/0/public/Ticker?pair=XBTUSD`);
  const control = (body: unknown): Promise<Response> =>
    fetch(`${exchange.origin}${CONTROL_FAULT_PATH}`, { method: 'POST', body: JSON.stringify(body) });

  beforeEach(async () => {
    exchange = await FakeExchange.start({ unrouted: handleControlRequest });
    exchange.setPrice('kraken', 'BTC', 'USD', '65000');
  });

  afterEach(async () => {
    await exchange.close();
  });

  it('kills a source and brings it back', async () => {
    expect((await kraken()).status).toBe(200);
    expect((await control({ source: 'kraken', fault: 'status' })).status).toBe(204);
    expect((await kraken()).status).toBe(503);
    expect((await control({ source: 'kraken', fault: null })).status).toBe(204);
    expect((await kraken()).status).toBe(200);
  });

  it('refuses a bad request with 400 and changes nothing', async () => {
    const answer = await control({ source: 'kraken', fault: 'meltdown' });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: expect.stringContaining('fault must be') });
    expect((await kraken()).status).toBe(200);
  });

  it('leaves other unknown paths a 404', async () => {
    expect((await fetch(`${exchange.origin}/__control/other`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${exchange.origin}${CONTROL_FAULT_PATH}`)).status).toBe(404);
  });
});
