/**
 * The feed guard end to end, from real parts (local-don.ts: 1 bootstrap node and 4 oracles as
 * processes of dist/main.js, anvil, PostgreSQL, the real aggregator in front of the fake exchange):
 * two feeds, BTC / USD with `guard: {maxChangePpb: 50 %}` in configuration.json and ETH / USD
 * without one (the default). Two of the three exchanges then quote both pairs at 10x, so the
 * aggregator's median is 10x: ETH's answer follows as it always did, BTC's holds its last answer
 * while every oracle's gauge, counter, log, /status and the DON status page say it is held and why;
 * once the exchanges agree again, BTC reports and the guard lets go.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@oracle/testing';
import { LocalDon, type DonFeed } from './local-don.js';

const BTC = 'BTC / USD';
const ETH = 'ETH / USD';
const ORACLES = [2, 3, 4, 5];
/** The answer for a price: 8 decimals. */
const answerOf = (price: string): bigint => {
  const [whole, fraction = ''] = price.split('.');
  return BigInt(whole + fraction.padEnd(8, '0').slice(0, 8));
};

let don: LocalDon;

/** Quotes a pair on some of the three exchanges (binance, okx, kraken). */
function quote(pair: string, price: string, sources: readonly string[]): void {
  const [base, quoteSymbol] = pair.split('/') as [string, string];
  for (const source of sources) don.exchange.setPrice(source, base, quoteSymbol, price);
}

interface GuardedStatus {
  feeds: {
    name: string;
    instance?: {
      guard?: {
        maxChangePpb?: number;
        held?: { reason: string; median: string; lastAnswer?: string; detail: string };
      };
    };
  }[];
}

const feedStatus = async (node: number, feed: string) =>
  ((await don.node(node).status()) as unknown as GuardedStatus).feeds.find((f) => f.name === feed);

beforeAll(async () => {
  // DonFeed lists the keys the other tests use; the configuration takes every feed key as given.
  const guarded: DonFeed = { name: BTC, pair: 'BTC/USD', decimals: 8 };
  Object.assign(guarded, { guard: { maxChangePpb: 500_000_000 } });
  don = await LocalDon.start({
    totalNodes: 5,
    feeds: [guarded, { name: ETH, pair: 'ETH/USD', decimals: 8 }],
    prices: { 'BTC/USD': '65000', 'ETH/USD': '3500' },
  });
  await don.startAggregator();
  await don.deploy();
  await don.setConfig();
  await Promise.all([1, ...ORACLES].map((i) => don.startNode(i)));
});

afterAll(async () => {
  const logDir = process.env.DON_LOG_DIR;
  if (logDir && don) {
    await mkdir(logDir, { recursive: true });
    for (const node of don.nodes.values())
      await writeFile(join(logDir, `guard-node-${node.index}.log`), node.output());
  }
  await don?.stop();
});

describe('a feed guard in a real DON', () => {
  it('holds the guarded feed at its last answer when most sources report 10x; the unguarded one follows', async () => {
    // First answers: the guarded feed's first report passes (no on-chain answer to compare with yet).
    await waitFor(
      async () =>
        (await don.latestRoundData(BTC)).answer === answerOf('65000') &&
        (await don.latestRoundData(ETH)).answer === answerOf('3500'),
      { timeoutMs: 90_000, what: 'the first answers of both feeds' },
    );
    for (const i of ORACLES) {
      expect((await feedStatus(i, BTC))?.instance?.guard).toEqual({ maxChangePpb: 500_000_000 });
      expect((await feedStatus(i, ETH))?.instance?.guard).toBeUndefined();
      expect(await don.node(i).metric('oracle_feed_guard_tripped', { feed: BTC })).toBe(0);
    }
    const btcReports = (await don.transmissions(BTC)).length;

    // Two of three exchanges quote 10x: the aggregator's median is 10x (the honest one is the outlier).
    quote('BTC/USD', '650000', ['binance', 'okx']);
    quote('ETH/USD', '35000', ['binance', 'okx']);

    // Without a guard, nothing changed: the 10x goes on chain.
    await waitFor(async () => (await don.latestRoundData(ETH)).answer === answerOf('35000'), {
      timeoutMs: 30_000,
      what: 'the unguarded feed to report 10x',
    });
    // With it, every oracle holds BTC and says so.
    await waitFor(
      async () => {
        for (const i of ORACLES)
          if ((await don.node(i).metric('oracle_feed_guard_tripped', { feed: BTC })) !== 1) return false;
        return true;
      },
      { timeoutMs: 30_000, what: 'every oracle to hold BTC / USD' },
    );
    // Let several more rounds pass (deltaRound 1 s) while held.
    const rounds = await don.node(2).metric('oracle_rounds_total', { feed: BTC });
    await waitFor(
      async () => (await don.node(2).metric('oracle_rounds_total', { feed: BTC })) >= rounds + 5,
      {
        timeoutMs: 30_000,
        what: 'five more rounds',
      },
    );

    expect((await don.latestRoundData(BTC)).answer).toBe(answerOf('65000'));
    expect(await don.transmissions(BTC)).toHaveLength(btcReports);
    for (const i of ORACLES) {
      const held = (await feedStatus(i, BTC))?.instance?.guard?.held;
      expect(held).toMatchObject({ reason: 'max_change', median: '650000', lastAnswer: '65000' });
      expect(held?.detail).toBe(
        'median 650000 is +900 % from the last on-chain answer 65000 (guard allows 50 %)',
      );
      expect(
        await don.node(i).metric('oracle_feed_guard_trips_total', { feed: BTC, reason: 'max_change' }),
      ).toBe(1);
      expect(await don.node(i).metric('oracle_feed_guard_tripped', { feed: ETH })).toBe(0);
      // One warning per trip, not one per round.
      const warnings = don
        .node(i)
        .logs()
        .filter((l) => l.feed === BTC && String(l.msg).startsWith('Feed guard tripped'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: 'warn', reason: 'max_change', median: '650000' });
    }
    // The DON status page (bootstrap node) marks the feed held, on which nodes and why.
    const page = (await (await fetch(`${don.node(1).apiUrl}/don`)).json()) as {
      feeds: { name: string; held?: { nodes: number[]; reason: string } }[];
    };
    expect(page.feeds.find((f) => f.name === BTC)?.held).toMatchObject({
      nodes: ORACLES,
      reason: 'max_change',
    });
    expect(page.feeds.find((f) => f.name === ETH)?.held).toBeUndefined();

    // The exchanges agree again: BTC reports the market and the guard lets go.
    quote('BTC/USD', '66000', ['binance', 'okx', 'kraken']);
    await waitFor(async () => (await don.latestRoundData(BTC)).answer === answerOf('66000'), {
      timeoutMs: 30_000,
      what: 'the guarded feed to report again',
    });
    for (const i of ORACLES) {
      await waitFor(
        async () => (await don.node(i).metric('oracle_feed_guard_tripped', { feed: BTC })) === 0,
        {
          what: `node ${i} to release BTC / USD`,
        },
      );
      expect((await feedStatus(i, BTC))?.instance?.guard?.held).toBeUndefined();
    }
  }, 240_000);
});
