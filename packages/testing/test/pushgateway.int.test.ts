import { afterAll, describe, expect, it } from 'vitest';
import { basicAuthHeader } from '../src/basic-auth.js';
import { startPushgateway, type RunningPushgateway } from '../src/pushgateway.js';
import { TEST_BASIC_AUTH } from '../src/test-credentials.js';

const body = '# TYPE starter_check gauge\nstarter_check 7\n';

describe('startPushgateway', () => {
  const started: RunningPushgateway[] = [];
  afterAll(async () => {
    await Promise.all(started.map((pg) => pg.stop()));
  });

  it('accepts a push and serves it back', async () => {
    const gateway = await startPushgateway();
    started.push(gateway);
    const put = await fetch(`${gateway.url}/metrics/job/starter`, { method: 'PUT', body });
    expect(put.status).toBe(200);
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toMatch(/^starter_check\{instance="",job="starter"\} 7$/m);
  });

  it('enforces basic auth from a web config file', async () => {
    const gateway = await startPushgateway({ basicAuth: TEST_BASIC_AUTH });
    started.push(gateway);
    const url = `${gateway.url}/metrics/job/starter`;
    expect((await fetch(url, { method: 'PUT', body })).status).toBe(401);
    const wrong = basicAuthHeader(TEST_BASIC_AUTH.username, 'wrong');
    expect((await fetch(url, { method: 'PUT', body, headers: { authorization: wrong } })).status).toBe(401);
    const right = basicAuthHeader(TEST_BASIC_AUTH.username, TEST_BASIC_AUTH.password);
    expect((await fetch(url, { method: 'PUT', body, headers: { authorization: right } })).status).toBe(200);
  });

  it('stop() frees the port', async () => {
    const gateway = await startPushgateway();
    await gateway.stop();
    await expect(fetch(`${gateway.url}/-/ready`)).rejects.toThrow();
  });
});
