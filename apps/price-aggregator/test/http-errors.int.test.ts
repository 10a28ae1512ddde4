/**
 * Every error the built aggregator answers is the reference's JSON `{statusCode, timestamp,
 * message}`, whichever layer answers it (Nest, Express, the hot routes, Node's parser), it quotes
 * nothing of the request back, and a client's mistake logs no error. A body declared over the
 * limit is refused from the headers alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeExchange } from '@oracle/fake-exchange';
import { rawHttp, type RawHttpAnswer } from '@oracle/testing';
import { fakeSources, startAggregator, type AggregatorProcess } from './aggregator-process.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('HTTP errors of the aggregator', () => {
  let fake: FakeExchange;
  let app: AggregatorProcess;

  beforeAll(async () => {
    fake = await FakeExchange.start();
    fake.setPrice('binance', 'BTC', 'USD', '100');
    app = await startAggregator({
      pairs: [{ pair: 'BTC/USD', sources: ['binance'] }],
      sources: fakeSources(fake, ['binance']),
    });
  });

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  const request = (text: string): Promise<RawHttpAnswer> => rawHttp(app.port, text);
  const get = (target: string): Promise<RawHttpAnswer> =>
    request(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);

  /** The answer is the JSON error body with this status (and, when given, message). */
  function expectJsonError(answer: RawHttpAnswer, statusCode: number, message?: string): void {
    expect(answer.status).toBe(statusCode);
    expect(answer.head).toMatch(/^content-type: application\/json/im);
    expect(JSON.parse(answer.body)).toEqual({
      statusCode,
      timestamp: expect.stringMatching(ISO),
      message: message ?? expect.any(String),
    });
  }

  const errorLogs = (): string[] => app.logs.filter((line) => /"level":"(error|fatal)"/.test(line));

  it('answers an unknown route 404 in JSON', async () => {
    expectJsonError(await get('/no/such/route'), 404);
    expectJsonError(await get('//no-such-host/quotes'), 404);
  });

  it('answers a malformed request target 400 in JSON (Express answered it with an HTML 404)', async () => {
    for (const target of ['http://[::1/x', 'http://[::1/quotes/batch?pairs=BTC-USD', 'http://%zz/health'])
      expectJsonError(await get(target), 400, 'malformed request target');
    // A valid absolute-form target is served by its path.
    expect((await get('http://elsewhere.example/quotes/batch?pairs=BTC-USD')).status).not.toBe(400);
    expect(errorLogs()).toEqual([]);
  });

  it('answers a malformed JSON body 400 in JSON without quoting it', async () => {
    const body = '{"pairs": sk-live-0123456789}';
    const answer = await request(
      `POST /quotes/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expectJsonError(answer, 400, 'request body is not valid JSON');
    expect(answer.body).not.toContain('sk-live');
  });

  it("answers a request Node cannot parse in JSON (Node's bare 400 had no body)", async () => {
    const answer = await request('NOT AN HTTP REQUEST\r\n\r\n');
    expectJsonError(answer, 400, 'bad request');
    expect(answer.closedByServer).toBe(true);
    expect(errorLogs()).toEqual([]);
  });

  it('answers a body declared over the limit 413 from the headers alone, and closes the connection', async () => {
    // Only the headers go out, and the connection stays open on this side: an answer at all came
    // before the body, and a close is the server's. Before, the server waited for all 10 GB.
    const answer = await request(
      'POST /quotes/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'Content-Length: 10000000000\r\n\r\n',
    );
    expectJsonError(answer, 413);
    expect(answer.head).toMatch(/^connection: close/im);
    expect(answer.closedByServer).toBe(true);
    // An ordinary POST still works.
    expect((await app.post('/quotes/batch', ['BTC/USD'])).status).toBe(200);
  });
});
