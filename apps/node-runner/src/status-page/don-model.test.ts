import { describe, expect, it } from 'vitest';
import {
  buildDonModel,
  type AggregatorAnswer,
  type DonInput,
  type FeedSettings,
  type NodeFeedStatus,
  type NodeProbe,
} from './don-model.js';

const NOW = 1_800_000_000_000;
const DIGEST = '0x000100000000000000000000000000aa';

const btc: FeedSettings = {
  name: 'BTC / USD',
  pair: 'BTC/USD',
  decimals: 8,
  heartbeatSeconds: 3_600,
  deviationPpb: 5_000_000,
};
const eth: FeedSettings = { ...btc, name: 'ETH / USD', pair: 'ETH/USD', heartbeatSeconds: 60 };

const healthy = { ok: true, checks: { database: { ok: true, detail: 'reachable' } } };

/** Node i has peer id "peer-i"; an oracle node i is OracleID i − 2. */
function node(index: number, feeds: NodeFeedStatus[], extra: { peers?: string[] } = {}): NodeProbe {
  return {
    index,
    role: index === 1 ? 'bootstrap' : 'oracle',
    answer: {
      ok: true,
      status: {
        peerId: `peer-${index}`,
        ...(index === 1 ? {} : { transmitter: `0x${String(index).repeat(40)}` }),
        peers: extra.peers ?? [1, 2, 3, 4].filter((i) => i !== index).map((i) => `peer-${i}`),
        feeds,
      },
      health: healthy,
    },
    lastSeenMs: NOW,
  };
}

function oracleFeed(
  index: number,
  feed: FeedSettings,
  state: {
    epoch: number;
    round: number;
    leader: number;
    onChain?: { epoch: number; round: number; answer: bigint; ageMs: number };
    sent?: { epoch: number; round: number; status: string };
  },
): NodeFeedStatus {
  return {
    name: feed.name,
    oracleId: index - 2,
    instance: {
      configDigest: DIGEST,
      epoch: state.epoch,
      round: state.round,
      leader: state.leader,
      ...(state.sent
        ? {
            lastTransmission: {
              epoch: state.sent.epoch,
              round: state.sent.round,
              outcome: { status: state.sent.status },
            },
          }
        : {}),
      ...(state.onChain
        ? {
            onChain: {
              configDigest: DIGEST,
              epoch: state.onChain.epoch,
              round: state.onChain.round,
              answer: state.onChain.answer,
              timestampMs: NOW - state.onChain.ageMs,
            },
          }
        : {}),
    },
  };
}

const aggregator: AggregatorAnswer = {
  ok: true,
  pairs: {
    'BTC/USD': {
      price: '64000',
      contributors: ['binance', 'kraken', 'okx'],
      rejected: [{ source: 'coinbase', reason: 'outlier' }],
    },
    'ETH/USD': { error: '1 usable quote(s), 2 required', contributors: [], rejected: [] },
  },
};

function input(nodes: NodeProbe[], overrides: Partial<DonInput> = {}): DonInput {
  return { nowMs: NOW, feeds: [btc, eth], nodes, aggregator, ...overrides };
}

describe('buildDonModel', () => {
  it('shows every node with its role, peer id, the DON nodes it is connected to and its health', () => {
    const model = buildDonModel(
      input([
        node(1, [{ name: btc.name }]),
        node(2, [], { peers: ['peer-1', 'peer-3', 'stranger'] }),
        {
          ...node(3, []),
          answer: {
            ok: true,
            status: { peerId: 'peer-3', peers: ['peer-1'], feeds: [] },
            health: {
              ok: false,
              checks: {
                database: { ok: true, detail: 'reachable' },
                peers: { ok: false, detail: '0 oracle peers connected, 2 needed (2f)' },
              },
            },
          },
        },
      ]),
    );
    expect(model.generatedAtMs).toBe(NOW);
    expect(model.nodes.map((n) => [n.index, n.role, n.state, n.peerId])).toEqual([
      [1, 'bootstrap', 'up', 'peer-1'],
      [2, 'oracle', 'up', 'peer-2'],
      [3, 'oracle', 'unhealthy', 'peer-3'],
    ]);
    expect(model.nodes[0]?.transmitter).toBeUndefined();
    expect(model.nodes[1]?.transmitter).toBe(`0x${'2'.repeat(40)}`);
    expect(model.nodes[1]).toMatchObject({ connectedNodes: [1, 3], otherPeers: 1, problems: [] });
    expect(model.nodes[2]?.problems).toEqual(['peers: 0 oracle peers connected, 2 needed (2f)']);
  });

  it('shows a node that does not answer as down, with for how long and when it was last seen', () => {
    const down: NodeProbe = {
      index: 4,
      role: 'oracle',
      answer: { ok: false, error: 'no answer (connection refused)' },
      lastSeenMs: NOW - 95_500,
      downSinceMs: NOW - 42_900,
    };
    const model = buildDonModel(input([node(1, []), down]));
    expect(model.nodes[1]).toEqual({
      index: 4,
      role: 'oracle',
      state: 'down',
      connectedNodes: [],
      otherPeers: 0,
      problems: ['no answer (connection refused)'],
      downForSeconds: 42,
      lastSeenSecondsAgo: 95,
    });
    const neverSeen = buildDonModel(input([{ ...down, lastSeenMs: undefined }])).nodes[0];
    expect(neverSeen?.lastSeenSecondsAgo).toBeUndefined();
    expect(neverSeen?.downForSeconds).toBe(42);
  });

  it('takes the newest on-chain answer any node read, scaled by the decimals, with its age and transmitter', () => {
    const model = buildDonModel(
      input([
        node(1, [{ name: btc.name }]),
        // Node 2 read the contract before round (3, 2) landed; node 4 transmitted it.
        node(2, [
          oracleFeed(2, btc, {
            epoch: 3,
            round: 2,
            leader: 1,
            onChain: { epoch: 3, round: 1, answer: 6_390_000_000_000n, ageMs: 40_000 },
            sent: { epoch: 3, round: 1, status: 'confirmed' },
          }),
        ]),
        node(3, [
          oracleFeed(3, btc, {
            epoch: 3,
            round: 3,
            leader: 1,
            onChain: { epoch: 3, round: 2, answer: 6_412_350_000_000n, ageMs: 12_300 },
            sent: { epoch: 3, round: 2, status: 'skipped' },
          }),
        ]),
        node(4, [
          oracleFeed(4, btc, {
            epoch: 3,
            round: 3,
            leader: 1,
            onChain: { epoch: 3, round: 2, answer: 6_412_350_000_000n, ageMs: 12_300 },
            sent: { epoch: 3, round: 2, status: 'confirmed' },
          }),
        ]),
      ]),
    );
    const feed = model.feeds[0];
    expect(feed?.onChain).toEqual({
      configDigest: DIGEST,
      epoch: 3,
      round: 2,
      answer: '64123.5',
      ageSeconds: 12,
      stale: false,
    });
    expect(feed?.transmitterNode).toBe(4);
    expect(feed?.median).toBe('64000');
    expect(feed?.contributors).toEqual(['binance', 'kraken', 'okx']);
    expect(feed?.rejected).toEqual([{ source: 'coinbase', reason: 'outlier' }]);
    // |64123.5 − 64000| / 64000 = 0.19296875 % = 1 929 687 ppb, under the 0.5 % threshold.
    expect(feed?.deviationPpb).toBe(1_929_687);
    expect(feed?.deviates).toBe(false);
    // Node 1 (bootstrap) follows the feed without an instance; the leader OracleID 1 is node 3.
    expect(feed?.nodes).toEqual([
      { node: 1 },
      { node: 2, oracleId: 0, epoch: 3, round: 2, leaderOracleId: 1, leaderNode: 3 },
      { node: 3, oracleId: 1, epoch: 3, round: 3, leaderOracleId: 1, leaderNode: 3 },
      { node: 4, oracleId: 2, epoch: 3, round: 3, leaderOracleId: 1, leaderNode: 3 },
    ]);
  });

  it('keeps naming the transmitter of the on-chain round after it stopped answering, until the next round', () => {
    const round = (r: number, sent: boolean) =>
      oracleFeed(2, btc, {
        epoch: 1,
        round: r,
        leader: 0,
        onChain: { epoch: 1, round: r, answer: 6_400_000_000_000n, ageMs: 1_000 },
        ...(sent ? { sent: { epoch: 1, round: r, status: 'confirmed' } } : {}),
      });
    const down: NodeProbe = {
      index: 2,
      role: 'oracle',
      answer: { ok: false, error: 'no answer (timed out)' },
    };
    const first = buildDonModel(input([node(2, [round(4, true)])]));
    expect(first.feeds[0]?.transmitterNode).toBe(2);
    const witness = node(3, [{ ...round(4, false), oracleId: 1 }]);
    const afterCrash = buildDonModel(input([down, witness], { previous: first }));
    expect(afterCrash.feeds[0]?.transmitterNode).toBe(2);
    // Node 2 keeps its OracleID 0, so node 3's leader (OracleID 0) is still named.
    expect(afterCrash.feeds[0]?.nodes).toEqual([
      { node: 2, oracleId: 0, down: true },
      { node: 3, oracleId: 1, epoch: 1, round: 4, leaderOracleId: 0, leaderNode: 2 },
    ]);
    const nextRound = node(3, [{ ...round(5, false), oracleId: 1 }]);
    expect(
      buildDonModel(input([down, nextRound], { previous: afterCrash })).feeds[0]?.transmitterNode,
    ).toBeUndefined();
  });

  it('marks an answer older than the heartbeat stale and one beyond the deviation threshold as deviating', () => {
    const aggregatorEth: AggregatorAnswer = {
      ok: true,
      pairs: { 'ETH/USD': { price: '3100', contributors: ['binance', 'okx'], rejected: [] } },
    };
    const model = buildDonModel(
      input(
        [
          node(2, [
            oracleFeed(2, eth, {
              epoch: 1,
              round: 1,
              leader: 0,
              onChain: { epoch: 1, round: 1, answer: 300_000_000_000n, ageMs: 61_000 },
            }),
          ]),
        ],
        { aggregator: aggregatorEth },
      ),
    );
    const feed = model.feeds[1];
    expect(feed?.onChain).toMatchObject({ answer: '3000', ageSeconds: 61, stale: true });
    // Nobody's confirmed transmission matches: no transmitter is named.
    expect(feed?.transmitterNode).toBeUndefined();
    expect(feed?.deviationPpb).toBe(32_258_064);
    expect(feed?.deviates).toBe(true);
  });

  it('has no on-chain answer before the first transmission, and says why the median is missing', () => {
    const model = buildDonModel(
      input([
        node(2, [
          oracleFeed(2, eth, {
            epoch: 1,
            round: 1,
            leader: 0,
            onChain: { epoch: 0, round: 0, answer: 0n, ageMs: NOW },
          }),
        ]),
      ]),
    );
    const feed = model.feeds[1];
    expect(feed?.onChain).toBeUndefined();
    expect(feed?.median).toBeUndefined();
    expect(feed?.medianError).toBe('1 usable quote(s), 2 required');
    expect(feed?.deviationPpb).toBeUndefined();
    expect(feed?.deviates).toBe(false);

    const unreachable = buildDonModel(input([], { aggregator: { ok: false, error: 'timed out' } }));
    expect(unreachable.aggregator).toEqual({ ok: false, error: 'timed out' });
    expect(unreachable.feeds.map((f) => f.medianError)).toEqual([
      'aggregator unreachable',
      'aggregator unreachable',
    ]);
    expect(unreachable.feeds[0]?.nodes).toEqual([]);
  });

  it('says which nodes hold a feed with its guard, and why', () => {
    const state = { epoch: 1, round: 4, leader: 0 };
    const held = {
      reason: 'max_change',
      detail: 'median 640000 is +900 % from the last on-chain answer 64000',
    };
    const holding = (index: number): NodeFeedStatus => {
      const feed = oracleFeed(index, btc, state);
      return { ...feed, instance: { ...feed.instance!, guard: { held } } };
    };
    const guardedButFree = (index: number): NodeFeedStatus => {
      const feed = oracleFeed(index, btc, state);
      return { ...feed, instance: { ...feed.instance!, guard: {} } };
    };
    const model = buildDonModel(
      input([
        node(1, [{ name: btc.name }]),
        node(4, [holding(4)]),
        node(2, [holding(2)]),
        node(3, [guardedButFree(3)]),
      ]),
    );
    expect(model.feeds[0]?.held).toEqual({ nodes: [2, 4], ...held });
    expect(model.feeds[1]?.held).toBeUndefined();
    expect(buildDonModel(input([node(3, [guardedButFree(3)])])).feeds[0]?.held).toBeUndefined();
  });
  it("shows what consumers read through a feed's proxy: answer, phase and round, or why not", () => {
    const proxyAddress = '0x' + 'ab'.repeat(20);
    const model = buildDonModel(
      input([node(1, [])], {
        feeds: [
          { ...btc, proxyAddress },
          { ...eth, proxyAddress },
        ],
        proxies: new Map([
          [
            btc.name,
            { ok: true, roundId: (2n << 64n) | 17n, answer: 6_400_012_345_678n, updatedAt: NOW / 1000 - 30 },
          ],
          [eth.name, { ok: false, error: 'timed out' }],
        ]),
      }),
    );
    expect(model.feeds[0]?.proxy).toEqual({
      address: proxyAddress,
      answer: '64000.12345678',
      phaseId: 2,
      aggregatorRoundId: '17',
      ageSeconds: 30,
    });
    expect(model.feeds[1]?.proxy).toEqual({ address: proxyAddress, error: 'timed out' });
    expect(buildDonModel(input([node(1, [])])).feeds[0]?.proxy).toBeUndefined();
  });
});
