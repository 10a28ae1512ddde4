/**
 * The DON status page's model: a pure function from what every node's API and the price
 * aggregator answered to what the page shows. Every value is already formatted for display
 * (decimal strings, node indices, whole seconds); the browser only lays it out.
 */
import { formatScaled, toFixedPoint } from '@oracle/core';

export type NodeRole = 'bootstrap' | 'oracle';

/** One feed as configured. */
export interface FeedSettings {
  readonly name: string;
  /** "BASE/QUOTE". */
  readonly pair: string;
  readonly decimals: number;
  readonly heartbeatSeconds: number;
  readonly deviationPpb: number;
  /** The feed's proxy, what consumers read (feeds[].proxyAddress). */
  readonly proxyAddress?: string;
}

/** latestRoundData() read through a feed's proxy, or why not. */
export type ProxyRead =
  | { readonly ok: true; readonly roundId: bigint; readonly answer: bigint; readonly updatedAt: number }
  | { readonly ok: false; readonly error: string };

/** The parts of a node's `/status` the page uses. */
export interface NodeStatusAnswer {
  readonly peerId: string;
  readonly transmitter?: string;
  /** Peer ids of the open connections. */
  readonly peers: readonly string[];
  readonly feeds: readonly NodeFeedStatus[];
}

export interface EpochRound {
  readonly epoch: number;
  readonly round: number;
}

export interface NodeFeedStatus {
  readonly name: string;
  readonly oracleId?: number;
  readonly instance?: EpochRound & {
    readonly configDigest: string;
    readonly leader: number;
    readonly lastTransmission?: EpochRound & { readonly outcome: { readonly status: string } };
    /** The contract's latest transmission as this node last read it; `answer` is the raw int192. */
    readonly onChain?: EpochRound & {
      readonly configDigest: string;
      readonly answer: bigint;
      readonly timestampMs: number;
    };
    /** The feed guard, when configured; `held` while it holds the feed on this node. */
    readonly guard?: { readonly held?: { readonly reason: string; readonly detail: string } };
  };
}

/** The parts of a node's `/health` the page uses. */
export interface NodeHealthAnswer {
  readonly ok: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail: string }>>;
}

/** What probing one node gave, with what the prober remembers of earlier probes. */
export interface NodeProbe {
  readonly index: number;
  readonly role: NodeRole;
  readonly answer:
    | { readonly ok: true; readonly status: NodeStatusAnswer; readonly health: NodeHealthAnswer }
    | { readonly ok: false; readonly error: string };
  /** When the node last answered (absent: never since the prober started). */
  readonly lastSeenMs?: number;
  /** The first unanswered probe since it last answered. */
  readonly downSinceMs?: number;
}

/** The aggregator's `/quotes/batch` entry of one pair. */
export interface AggregateAnswer {
  readonly price?: string;
  readonly error?: string;
  readonly contributors: readonly string[];
  readonly rejected: readonly { readonly source: string; readonly reason: string }[];
}

export type AggregatorAnswer =
  | { readonly ok: true; readonly pairs: Readonly<Record<string, AggregateAnswer>> }
  | { readonly ok: false; readonly error: string };

export interface DonInput {
  readonly nowMs: number;
  readonly feeds: readonly FeedSettings[];
  readonly nodes: readonly NodeProbe[];
  readonly aggregator: AggregatorAnswer;
  /** Feed name → what its proxy answered (feeds with a proxy only). */
  readonly proxies?: ReadonlyMap<string, ProxyRead>;
  /** The previous model: a transmitter found then is kept while the answer is the same, even if it stopped answering. */
  readonly previous?: DonModel;
}

export interface NodeView {
  readonly index: number;
  readonly role: NodeRole;
  /** `unhealthy`: it answers but a /health check fails. */
  readonly state: 'up' | 'unhealthy' | 'down';
  readonly peerId?: string;
  readonly transmitter?: string;
  /** Indices of the DON's nodes it has a connection to. */
  readonly connectedNodes: readonly number[];
  /** Connections to peers that are not nodes of this DON. */
  readonly otherPeers: number;
  /** Failing health checks ("peers: 1 oracle peers connected, 2 needed"), or why it is down. */
  readonly problems: readonly string[];
  readonly downForSeconds?: number;
  readonly lastSeenSecondsAgo?: number;
}

export interface FeedNodeView {
  readonly node: number;
  readonly oracleId?: number;
  /** It does not answer; `oracleId` is what it had. */
  readonly down?: boolean;
  readonly epoch?: number;
  readonly round?: number;
  /** The node index of the leader of its current epoch, when known. */
  readonly leaderNode?: number;
  readonly leaderOracleId?: number;
}

export interface FeedView {
  readonly name: string;
  readonly pair: string;
  readonly heartbeatSeconds: number;
  readonly deviationThresholdPpb: number;
  /** The newest on-chain answer any node has read. */
  readonly onChain?: EpochRound & {
    readonly configDigest: string;
    /** Scaled by the feed's decimals, e.g. "64123.5". */
    readonly answer: string;
    readonly ageSeconds: number;
    /** Older than the heartbeat. */
    readonly stale: boolean;
  };
  /** The node whose confirmed transmission is the on-chain (epoch, round). */
  readonly transmitterNode?: number;
  readonly median?: string;
  readonly medianError?: string;
  readonly contributors: readonly string[];
  readonly rejected: readonly { readonly source: string; readonly reason: string }[];
  /** |on-chain − median| / median, in ppb. */
  readonly deviationPpb?: number;
  /** The deviation is beyond the feed's threshold. */
  readonly deviates: boolean;
  /** The feed guard holds the last answer on these nodes; reason and detail as the first of them says. */
  readonly held?: { readonly nodes: readonly number[]; readonly reason: string; readonly detail: string };
  /** What consumers read at the feed's proxy: latestRoundData, its round id split into phase and round. */
  readonly proxy?: {
    readonly address: string;
    readonly answer?: string;
    readonly phaseId?: number;
    readonly aggregatorRoundId?: string;
    readonly ageSeconds?: number;
    readonly error?: string;
  };
  readonly nodes: readonly FeedNodeView[];
}

export interface DonModel {
  readonly generatedAtMs: number;
  readonly aggregator: { readonly ok: boolean; readonly error?: string };
  readonly nodes: readonly NodeView[];
  readonly feeds: readonly FeedView[];
}

type Answered = NodeProbe & { readonly answer: { readonly ok: true } };

export function buildDonModel(input: DonInput): DonModel {
  const answered = input.nodes.filter((probe): probe is Answered => probe.answer.ok);
  const nodeOfPeer = new Map(answered.map((probe) => [probe.answer.status.peerId, probe.index]));
  return {
    generatedAtMs: input.nowMs,
    aggregator: input.aggregator.ok ? { ok: true } : { ok: false, error: input.aggregator.error },
    nodes: input.nodes.map((probe) => nodeView(probe, nodeOfPeer, input.nowMs)),
    feeds: input.feeds.map((feed) =>
      feedView(
        feed,
        input.nodes,
        input.aggregator,
        input.nowMs,
        input.previous?.feeds.find((f) => f.name === feed.name),
        input.proxies?.get(feed.name),
      ),
    ),
  };
}

const PHASE_OFFSET = 64n;

/** A proxy's latestRoundData for the page: round id = phaseId << 64 | aggregatorRoundId. */
function proxyView(
  address: string,
  read: ProxyRead | undefined,
  decimals: number,
  nowMs: number,
): FeedView['proxy'] {
  if (!read) return { address, error: 'not read' };
  if (!read.ok) return { address, error: read.error };
  return {
    address,
    answer: formatScaled(read.answer, decimals),
    phaseId: Number(read.roundId >> PHASE_OFFSET),
    aggregatorRoundId: (read.roundId & ((1n << PHASE_OFFSET) - 1n)).toString(),
    ...(read.updatedAt > 0 ? { ageSeconds: seconds(nowMs - read.updatedAt * 1000) } : {}),
  };
}

function nodeView(probe: NodeProbe, nodeOfPeer: ReadonlyMap<string, number>, nowMs: number): NodeView {
  const base = { index: probe.index, role: probe.role };
  if (!probe.answer.ok)
    return {
      ...base,
      state: 'down',
      connectedNodes: [],
      otherPeers: 0,
      problems: [probe.answer.error],
      ...(probe.downSinceMs !== undefined ? { downForSeconds: seconds(nowMs - probe.downSinceMs) } : {}),
      ...(probe.lastSeenMs !== undefined ? { lastSeenSecondsAgo: seconds(nowMs - probe.lastSeenMs) } : {}),
    };
  const { status, health } = probe.answer;
  const connected = status.peers.map((peerId) => nodeOfPeer.get(peerId));
  return {
    ...base,
    state: health.ok ? 'up' : 'unhealthy',
    peerId: status.peerId,
    ...(status.transmitter ? { transmitter: status.transmitter } : {}),
    connectedNodes: connected.filter((i) => i !== undefined).sort((a, b) => a - b),
    otherPeers: connected.filter((i) => i === undefined).length,
    problems: Object.entries(health.checks)
      .filter(([, check]) => !check.ok)
      .map(([name, check]) => `${name}: ${check.detail}`),
  };
}

function feedView(
  feed: FeedSettings,
  probes: readonly NodeProbe[],
  aggregator: AggregatorAnswer,
  nowMs: number,
  previous: FeedView | undefined,
  proxy: ProxyRead | undefined,
): FeedView {
  const statuses = probes.flatMap((probe) => {
    const status = probe.answer.ok && probe.answer.status.feeds.find((f) => f.name === feed.name);
    return status ? [{ node: probe.index, status }] : [];
  });
  // A node that stopped answering keeps the OracleID it had, so a leader that went down is named.
  const downNodes = probes.flatMap((probe) => {
    const before = !probe.answer.ok && previous?.nodes.find((n) => n.node === probe.index);
    return before
      ? [
          {
            node: before.node,
            ...(before.oracleId !== undefined ? { oracleId: before.oracleId } : {}),
            down: true,
          },
        ]
      : [];
  });
  const nodeOfOracle = new Map(
    [...statuses.map(({ node, status }) => ({ node, oracleId: status.oracleId })), ...downNodes].flatMap(
      ({ node, oracleId }) => (oracleId === undefined ? [] : [[oracleId, node]]),
    ),
  );
  const latest = newestOnChain(statuses.flatMap(({ status }) => status.instance?.onChain ?? []));
  const transmitterNode =
    latest &&
    (statuses.find(({ status }) => {
      const sent = status.instance?.lastTransmission;
      return (
        status.instance?.configDigest === latest.configDigest &&
        sent?.outcome.status === 'confirmed' &&
        sent.epoch === latest.epoch &&
        sent.round === latest.round
      );
    })?.node ??
      (previous?.onChain?.configDigest === latest.configDigest &&
      previous.onChain.epoch === latest.epoch &&
      previous.onChain.round === latest.round
        ? previous.transmitterNode
        : undefined));
  const holding = statuses.flatMap(({ node, status }) => {
    const held = status.instance?.guard?.held;
    return held ? [{ node, ...held }] : [];
  });
  const aggregate = aggregator.ok ? aggregator.pairs[feed.pair] : undefined;
  const deviationPpb =
    latest && aggregate?.price !== undefined
      ? deviation(latest.answer, aggregate.price, feed.decimals)
      : undefined;
  return {
    name: feed.name,
    pair: feed.pair,
    heartbeatSeconds: feed.heartbeatSeconds,
    deviationThresholdPpb: feed.deviationPpb,
    ...(latest
      ? {
          onChain: {
            configDigest: latest.configDigest,
            epoch: latest.epoch,
            round: latest.round,
            answer: formatScaled(latest.answer, feed.decimals),
            ageSeconds: seconds(nowMs - latest.timestampMs),
            stale: nowMs - latest.timestampMs > feed.heartbeatSeconds * 1000,
          },
        }
      : {}),
    ...(transmitterNode !== undefined ? { transmitterNode } : {}),
    ...(aggregate?.price !== undefined ? { median: aggregate.price } : {}),
    ...(aggregate === undefined || aggregate.price === undefined
      ? { medianError: aggregator.ok ? (aggregate?.error ?? 'not answered') : 'aggregator unreachable' }
      : {}),
    contributors: aggregate?.contributors ?? [],
    rejected: aggregate?.rejected ?? [],
    ...(deviationPpb !== undefined ? { deviationPpb } : {}),
    deviates: deviationPpb !== undefined && deviationPpb > feed.deviationPpb,
    ...(holding[0]
      ? {
          held: {
            nodes: holding.map((h) => h.node).sort((a, b) => a - b),
            reason: holding[0].reason,
            detail: holding[0].detail,
          },
        }
      : {}),
    ...(feed.proxyAddress ? { proxy: proxyView(feed.proxyAddress, proxy, feed.decimals, nowMs) } : {}),
    nodes: [
      ...statuses.map(({ node, status }): FeedNodeView => {
        const instance = status.instance;
        return {
          node,
          ...(status.oracleId !== undefined ? { oracleId: status.oracleId } : {}),
          ...(instance
            ? {
                epoch: instance.epoch,
                round: instance.round,
                leaderOracleId: instance.leader,
                ...(nodeOfOracle.has(instance.leader)
                  ? { leaderNode: nodeOfOracle.get(instance.leader) }
                  : {}),
              }
            : {}),
        };
      }),
      ...downNodes,
    ].sort((a, b) => a.node - b.node),
  };
}

type OnChain = NonNullable<NonNullable<NodeFeedStatus['instance']>['onChain']>;

/** The latest transmission among the nodes' reads; a contract with none yet (timestamp 0) has none. */
function newestOnChain(reads: readonly OnChain[]): OnChain | undefined {
  let newest: OnChain | undefined;
  for (const read of reads) {
    if (read.timestampMs <= 0) continue;
    if (
      !newest ||
      read.timestampMs > newest.timestampMs ||
      (read.timestampMs === newest.timestampMs &&
        (read.epoch > newest.epoch || (read.epoch === newest.epoch && read.round > newest.round)))
    )
      newest = read;
  }
  return newest;
}

/** |answer − median| / median in ppb, exactly (the median is rescaled to the answer's decimals). */
function deviation(answer: bigint, median: string, decimals: number): number | undefined {
  const reference = toFixedPoint(median, decimals);
  if (reference === undefined || reference <= 0n) return undefined;
  const difference = answer > reference ? answer - reference : reference - answer;
  return Number((difference * 1_000_000_000n) / reference);
}

function seconds(ms: number): number {
  return Math.max(0, Math.floor(ms / 1000));
}
