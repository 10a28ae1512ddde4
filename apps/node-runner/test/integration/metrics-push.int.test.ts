/**
 * The nodes' metrics reach a real VictoriaMetrics (with basic auth, the password a secret the
 * nodes share with the aggregator) through packages/metrics-push: one DON (1 bootstrap node, 4
 * oracles; see local-don.ts) pushing every second, the per-feed series queried back with PromQL,
 * the final push of a node stopped with SIGTERM, and the remaining oracles' connectivity falling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basicAuthHeader,
  startVictoriaMetrics,
  TEST_BASIC_AUTH,
  waitFor,
  type RunningVictoriaMetrics,
} from '@oracle/testing';
import { LocalDon, type NodeStatus } from './local-don.js';

const FEED = 'BTC / USD';
const PAIR = 'BTC/USD';
/** 65000.123456789 on the exchanges; the answer has 8 decimals. */
const ANSWER = 65000.12345678;
const PASSWORD_ENV = 'TEST_METRICS_PUSH_PASSWORD';

let vm: RunningVictoriaMetrics;
let don: LocalDon;

interface Sample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** An instant PromQL query against what the services pushed. */
async function query(promql: string): Promise<Sample[]> {
  await vm.forceFlush();
  const response = await fetch(`${vm.url}/api/v1/query?query=${encodeURIComponent(promql)}`, {
    headers: { authorization: basicAuthHeader(TEST_BASIC_AUTH.username, TEST_BASIC_AUTH.password) },
  });
  const body = (await response.json()) as {
    data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return (body.data?.result ?? []).map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}

/** The one sample of a query, waited for until `accept` takes it. */
async function sampleOf(promql: string, accept: (value: number) => boolean = () => true): Promise<Sample> {
  return waitFor(
    async () => {
      const [sample, ...more] = await query(promql);
      if (more.length > 0) throw new Error(`${promql} has ${more.length + 1} series`);
      return sample && accept(sample.value) && sample;
    },
    { timeoutMs: 30_000, intervalMs: 500, what: promql },
  );
}

beforeAll(async () => {
  process.env[PASSWORD_ENV] = TEST_BASIC_AUTH.password;
  vm = await startVictoriaMetrics({ httpAuth: TEST_BASIC_AUTH });
  don = await LocalDon.start({
    totalNodes: 5,
    feeds: [{ name: FEED, pair: PAIR, decimals: 8 }],
    prices: { [PAIR]: '65000.123456789' },
    aggregator: {
      metricsPush: {
        enabled: true,
        url: vm.importUrl,
        basicAuth: { username: TEST_BASIC_AUTH.username, password: { env: PASSWORD_ENV } },
        intervalMs: 1_000,
        instance: 'don-test',
        environment: 'test',
      },
    },
  });
  await don.startAggregator();
  await don.deploy();
  await don.setConfig([2, 3, 4, 5]);
  await Promise.all([1, 2, 3, 4, 5].map((i) => don.startNode(i)));
});

afterAll(async () => {
  await don?.stop();
  await vm?.stop();
  delete process.env[PASSWORD_ENV];
});

describe('oracle node metrics pushed to VictoriaMetrics', () => {
  it("carries every oracle's view of the feed, labelled by job, node and role", async () => {
    await waitFor(async () => (await don.latestRoundData(FEED)).answer !== 0n, {
      timeoutMs: 30_000,
      what: 'the first answer',
    });
    const feed = `feed="${FEED}"`;
    for (const node of ['2', '3', '4', '5']) {
      const answer = await sampleOf(`oracle_feed_answer{${feed},node="${node}"}`, (v) => v > 0);
      expect(answer.value).toBeCloseTo(ANSWER, 6);
      expect(answer.labels).toMatchObject({
        job: 'oracle-node',
        node,
        role: 'oracle',
        instance: 'don-test',
        environment: 'test',
      });
    }
    const status = (await (await fetch(`${don.node(2).apiUrl}/status`)).json()) as NodeStatus & {
      feeds: { instance?: { f: number } }[];
    };
    const f = status.feeds[0]?.instance?.f as number;
    const at = `{${feed},node="2"}`;
    const answeredAt = await sampleOf(`oracle_feed_answer_timestamp_seconds${at}`);
    expect(Math.abs(answeredAt.value - Date.now() / 1000)).toBeLessThan(120);
    expect((await sampleOf(`oracle_feed_observation${at}`)).value).toBeCloseTo(ANSWER, 6);
    expect((await sampleOf(`oracle_feed_heartbeat_seconds${at}`)).value).toBe(3_600);
    expect((await sampleOf(`oracle_feed_deviation_threshold_ratio${at}`)).value).toBe(0.01);
    expect((await sampleOf(`oracle_feed_quorum${at}`)).value).toBe(2 * f + 1);
    await sampleOf(`oracle_feed_oracles_connected${at}`, (v) => v === 4);
    expect((await sampleOf(`oracle_feed_epoch${at}`)).value).toBeGreaterThanOrEqual(1);
    expect((await sampleOf(`oracle_feed_leader${at}`)).value).toBeLessThan(4);
    await sampleOf(`oracle_feed_round${at}`);
    await sampleOf(`sum(oracle_transmit_gas_used_total{${feed}})`, (v) => v > 0);
    await sampleOf(`sum(oracle_transmit_fee_wei_total{${feed}})`, (v) => v > 0);
    expect((await sampleOf('oracle_faucet_min_wei{node="2"}')).value).toBe(1e18);
    await sampleOf('oracle_faucet_balance_wei{node="2"}', (v) => v > 0);
    await sampleOf('oracle_transmitter_balance_wei{node="2"}', (v) => v >= 1e18);
  });

  it('stamps every push of every service, the bootstrap node and the aggregator too', async () => {
    const now = Date.now() / 1000;
    for (const selector of [
      'job="oracle-node",node="1",role="bootstrap"',
      'job="oracle-node",node="3",role="oracle"',
      'job="price-aggregator"',
    ]) {
      const stamp = await sampleOf(`metrics_push_timestamp_seconds{${selector}}`, (v) => v > now - 1);
      expect(stamp.value).toBeLessThan(Date.now() / 1000 + 1);
    }
  });

  it('pushes a last time when a node stops, and the others see one oracle fewer', async () => {
    const stopRequested = Date.now() / 1000;
    expect(await don.node(5).stop()).toBe(0);
    // Only the final push can carry a stamp from after the stop request: the timer is cleared first.
    await sampleOf('max_over_time(metrics_push_timestamp_seconds{node="5"}[2m])', (v) => v >= stopRequested);
    await sampleOf(`oracle_feed_oracles_connected{feed="${FEED}",node="2"}`, (v) => v === 3);
  });
});
