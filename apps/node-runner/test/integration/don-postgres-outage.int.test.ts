/**
 * A PostgreSQL outage longer than the store's retries, while the DON reports (see local-don.ts): the
 * server is shut down and stays down until every node has noticed (its /health says the database
 * is unreachable, each oracle has had a protocol write fail), and an oracle that crashed for a
 * reason of its own is started again meanwhile, as s6 would. No node process may exit (each exit
 * counts toward s6's maxRestarts and can stop the container), and once the server is back the
 * feed updates again, with oracles persisting their signing guard again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@oracle/testing';
import { LocalDon } from './local-don.js';

const FEED = 'ETH / USD';
const PAIR = 'ETH/USD';
const NODES = [1, 2, 3, 4, 5];
const ORACLES = [2, 3, 4, 5];
/** The oracle restarted during the outage. */
const RESTARTED = 5;
/** Retries of one store call before it reports "unavailable" (PgStore's default). */
const STORE_RETRIES = 6;
const answerOf = (price: string): bigint => BigInt(price) * 100_000_000n;

let don: LocalDon;

/** Moves the price and waits for the contract's answer to follow. */
async function expectAnswer(price: string, timeoutMs = 30_000): Promise<void> {
  don.setPrice(PAIR, price);
  await waitFor(async () => (await don.latestRoundData(FEED)).answer === answerOf(price), {
    timeoutMs,
    what: `the on-chain answer ${price}`,
  });
}

/** An oracle's persisted signing guard, as one number (epoch * 256 + round; 0 before its first signature). */
async function signingGuard(index: number): Promise<number> {
  const [row] = await don.query<{ epoch: string; round: number }>(
    index,
    'SELECT epoch, round FROM ocr_highest_signed',
  );
  return row ? Number(row.epoch) * 256 + row.round : 0;
}

const logLines = (index: number, msg: string): number =>
  don
    .node(index)
    .logs()
    .filter((l) => l.msg === msg).length;

beforeAll(async () => {
  don = await LocalDon.start({
    totalNodes: 5,
    feeds: [{ name: FEED, pair: PAIR, decimals: 8 }],
    prices: { [PAIR]: '3000' },
  });
  await don.startAggregator();
  await don.deploy();
  await don.setConfig(ORACLES);
  await Promise.all(NODES.map((i) => don.startNode(i)));
  await waitFor(async () => (await don.latestRoundData(FEED)).answer === answerOf('3000'), {
    timeoutMs: 40_000,
    what: 'the first answer',
  });
});

afterAll(async () => {
  await don?.stop();
});

describe('a PostgreSQL outage while the DON reports', () => {
  it('ends no node, not even one started during it, and the feed updates again once the database is back', async () => {
    const storeFailures = (i: number): Promise<number> =>
      don.node(i).metric('oracle_failures_total', { kind: 'store' });
    const failuresBefore = await Promise.all(ORACLES.map(storeFailures));
    const guardsBefore = await Promise.all(ORACLES.map(signingGuard));
    // Keep the protocol busy through the outage: every round has a new value to report.
    don.setPrice(PAIR, '3100');
    await don.postgres.shutdown();

    // Down until every node has noticed: the health probe, and on oracles a failed protocol write.
    for (const i of NODES) {
      await waitFor(async () => (await don.node(i).health()).body.checks.database?.ok === false, {
        timeoutMs: 60_000,
        what: `node ${i} to report its database unreachable`,
      });
    }
    await waitFor(
      async () => {
        const now = await Promise.all(ORACLES.map(storeFailures));
        return now.every((n, j) => n > (failuresBefore[j] ?? 0));
      },
      { timeoutMs: 60_000, what: 'every oracle to count a failed store call' },
    );

    // An oracle crashes for a reason of its own and is started again while the database is down:
    // it must wait for the database, past the retries of one store call, instead of exiting.
    const restarted = don.node(RESTARTED);
    await restarted.kill();
    const retriesBefore = logLines(RESTARTED, 'Database unavailable, retrying');
    await restarted.start({ untilReady: false });
    await waitFor(
      () =>
        !restarted.alive ||
        logLines(RESTARTED, 'Database unavailable, retrying') - retriesBefore > STORE_RETRIES + 1,
      { timeoutMs: 60_000, what: `node ${RESTARTED} to retry its database past one call's retries` },
    );
    expect(restarted.alive, `node ${RESTARTED}, started during the outage, still running`).toBe(true);
    const pids = NODES.map((i) => don.node(i).pid);
    for (const i of NODES) expect(don.node(i).alive, `node ${i} alive during the outage`).toBe(true);

    await don.postgres.start();
    for (const i of NODES) {
      await waitFor(async () => (await don.node(i).health()).body.checks.database?.ok === true, {
        timeoutMs: 40_000,
        what: `node ${i} to see its database again`,
      });
    }
    await expectAnswer('3200', 60_000);
    await expectAnswer('3300');

    // The same processes throughout, none of which logged a fatal error.
    expect(NODES.map((i) => don.node(i).alive)).toEqual(NODES.map(() => true));
    expect(NODES.map((i) => don.node(i).pid)).toEqual(pids);
    for (const i of NODES)
      expect(
        don
          .node(i)
          .logs()
          .filter((l) => l.level === 'fatal'),
      ).toEqual([]);
    await waitFor(async () => (await don.node(RESTARTED).status()).feeds[0]?.instance, {
      what: `node ${RESTARTED} to run its protocol instance`,
    });
    // Reports need f+1 = 2 signatures: at least two oracles persisted a signing guard above the
    // one they had before the outage.
    const guardsAfter = await Promise.all(ORACLES.map(signingGuard));
    expect(guardsAfter.filter((g, j) => g > (guardsBefore[j] ?? 0)).length).toBeGreaterThanOrEqual(2);
    // The database errors the nodes absorbed are counted.
    for (const i of NODES)
      expect(await don.node(i).metric('oracle_failures_total', { kind: 'database' })).toBeGreaterThan(0);
  });
});
