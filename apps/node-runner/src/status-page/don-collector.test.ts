import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DonCollector } from './don-collector.js';

const servers: Server[] = [];

/** A loopback server answering each path with a fixed status and JSON body; counts the requests. */
async function serve(
  routes: Record<string, [number, unknown]>,
): Promise<{ port: number; hits: () => number }> {
  let hits = 0;
  const server = createServer((request, response) => {
    hits++;
    const [status, body] = routes[new URL(request.url ?? '/', 'http://x').pathname] ?? [404, {}];
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, hits: () => hits };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const { port } = await serve({});
  const server = servers.pop();
  await new Promise((resolve) => server?.close(resolve));
  return port;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const feed = {
  name: 'BTC / USD',
  pair: 'BTC/USD',
  decimals: 8,
  heartbeatSeconds: 60,
  deviationPpb: 5_000_000,
};

describe('DonCollector', () => {
  it('reads every node and the aggregator, tracks a node that stops answering, and reuses a fresh model', async () => {
    const oracle = await serve({
      '/status': [
        200,
        {
          node: 2,
          peerId: 'peer-2',
          peers: ['peer-1'],
          feeds: [
            {
              name: feed.name,
              oracleId: 0,
              instance: {
                configDigest: '0xd1',
                epoch: 2,
                round: 5,
                leader: 0,
                onChain: {
                  configDigest: '0xd1',
                  epoch: 2,
                  round: 4,
                  answer: '6412350000000',
                  timestampMs: 990_000,
                },
                // As the node's /status writes it (GuardStatus).
                guard: {
                  maxChangePpb: 500_000_000,
                  held: {
                    reason: 'max_change',
                    median: '640000',
                    lastAnswer: '64123.5',
                    sinceMs: 980_000,
                    detail: 'median 640000 is +898.07 % from the last on-chain answer 64123.5',
                  },
                },
              },
            },
          ],
        },
      ],
      '/health': [
        503,
        { status: 'unavailable', checks: { peers: { ok: false, detail: '0 oracle peers connected' } } },
      ],
    });
    const aggregator = await serve({
      '/quotes/batch': [
        200,
        { pairs: { 'BTC/USD': { pair: 'BTC/USD', price: '64000', contributors: ['okx'] } } },
      ],
    });
    const gone = await closedPort();
    let nowMs = 1_000_000;
    const collector = new DonCollector({
      nodes: [
        { index: 1, role: 'bootstrap', apiPort: gone },
        { index: 2, role: 'oracle', apiPort: oracle.port },
      ],
      feeds: [feed],
      aggregatorUrl: `http://127.0.0.1:${aggregator.port}`,
      clock: { nowMs: () => nowMs },
    });

    const first = await collector.model();
    expect(first.nodes[0]).toMatchObject({
      state: 'down',
      problems: ['no answer (connection refused)'],
      downForSeconds: 0,
    });
    expect(first.nodes[0]?.lastSeenSecondsAgo).toBeUndefined();
    expect(first.nodes[1]).toMatchObject({
      state: 'unhealthy',
      problems: ['peers: 0 oracle peers connected'],
    });
    expect(first.feeds[0]).toMatchObject({
      median: '64000',
      contributors: ['okx'],
      rejected: [],
      onChain: { answer: '64123.5', epoch: 2, round: 4, ageSeconds: 10 },
      held: {
        nodes: [2],
        reason: 'max_change',
        detail: 'median 640000 is +898.07 % from the last on-chain answer 64123.5',
      },
    });

    // Within maxAgeMs the same model is served without asking anyone again.
    nowMs += 500;
    const hits = oracle.hits();
    expect(await collector.model()).toBe(first);
    expect(oracle.hits()).toBe(hits);

    nowMs += 30_000;
    await new Promise((resolve) =>
      servers.find((s) => (s.address() as AddressInfo).port === oracle.port)?.close(resolve),
    );
    const later = await collector.model();
    expect(later.nodes[0]).toMatchObject({ state: 'down', downForSeconds: 30 });
    expect(later.nodes[1]).toMatchObject({ state: 'down', downForSeconds: 0, lastSeenSecondsAgo: 30 });
    // What node 2 said is gone, but its OracleID stays known from before.
    expect(later.feeds[0]?.onChain).toBeUndefined();
    expect(later.feeds[0]?.nodes).toEqual([{ node: 2, oracleId: 0, down: true }]);
  });

  it('shows the aggregator unreachable without failing the model', async () => {
    const collector = new DonCollector({
      nodes: [],
      feeds: [feed],
      aggregatorUrl: `http://127.0.0.1:${await closedPort()}`,
      clock: { nowMs: () => 0 },
    });
    const model = await collector.model();
    expect(model.aggregator).toEqual({ ok: false, error: 'no answer (connection refused)' });
    expect(model.feeds[0]?.medianError).toBe('aggregator unreachable');
  });
  it("reads each feed's proxy with the deadline, a failing one shown with its error", async () => {
    const collector = new DonCollector({
      nodes: [],
      feeds: [
        { ...feed, proxyAddress: '0x' + '01'.repeat(20) },
        { ...feed, name: 'SLOW', proxyAddress: '0x' + '02'.repeat(20) },
        { ...feed, name: 'NO PROXY' },
      ],
      aggregatorUrl: `http://127.0.0.1:${await closedPort()}`,
      clock: { nowMs: () => 1_000_000 },
      timeoutMs: 50,
      readProxy: (address) =>
        address.endsWith('01')
          ? Promise.resolve({ roundId: (1n << 64n) | 5n, answer: 123_000_000n, updatedAt: 990 })
          : new Promise(() => undefined),
    });
    const model = await collector.model();
    expect(model.feeds.map((f) => f.proxy)).toEqual([
      { address: '0x' + '01'.repeat(20), answer: '1.23', phaseId: 1, aggregatorRoundId: '5', ageSeconds: 10 },
      { address: '0x' + '02'.repeat(20), error: 'timed out' },
      undefined,
    ]);
  });
});
