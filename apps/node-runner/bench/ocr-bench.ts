/**
 * OCR benchmark: a local DON (1 bootstrap node + 4 oracles as real processes, anvil automining,
 * PostgreSQL, the price aggregator before the fake exchange) measured in three phases.
 *
 *   1 feed, fast timing (deltaRound 1 s, deltaGrace 200 ms, deltaStage 1 s, alpha 0.1 %, the
 *     price moving 0.5 % every 0.7 s so nearly every round reports): time from spawning the node
 *     processes to the first on-chain answer, round latency (observation request to transmission
 *     mined) p50/p95, P2P messages per round, gas per transmitted report, CPU and RSS per node.
 *   50 and 300 feeds, the production timing (deltaRound 30 s, deltaGrace 12 s, deltaStage 60 s,
 *     alpha 0.5 %, heartbeat 24 h; prices random-walking 0.2 % every 2 s): CPU and RSS per node in
 *     steady state, once every feed has its first answer.
 *
 * Prints a table and one JSON line. `--quick` shortens the measuring windows.
 * Run: npm run bench:ocr [-- --quick]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describeLaunch } from '@oracle/testing';
import { LocalDon, NODE_ENVIRONMENT, NODE_FLAGS, type DonFeed } from '../test/integration/local-don.js';

const quick = process.argv.includes('--quick');
/** `--feeds 1,50,300` (the default) picks the phases to run. */
const feedsArg = process.argv[process.argv.indexOf('--feeds') + 1];
const phaseFeeds =
  process.argv.includes('--feeds') && feedsArg ? feedsArg.split(',').map(Number) : [1, 50, 300];
const ORACLES = [2, 3, 4, 5];
const NODES = [1, ...ORACLES];
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface ProcessUsage {
  readonly cpuSeconds: number;
  /** Resident memory, shared pages (the node binary, ~50 MiB, mapped by every node) included. */
  readonly rssMiB: number;
  /** Proportional set size: shared pages divided among the processes sharing them. */
  readonly pssMiB: number;
  /** Pages of this process alone (heap, stacks, buffers). */
  readonly privateMiB: number;
}

/** CPU time so far (user + system) and memory of a process, from /proc. */
function usage(pid: number): ProcessUsage {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const mib = (key: string): number =>
    Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0) / 1024;
  return {
    cpuSeconds: ticks / CLOCK_TICKS,
    rssMiB: mib('Rss'),
    pssMiB: mib('Pss'),
    privateMiB: mib('Private_Clean') + mib('Private_Dirty'),
  };
}

interface ResourceFigures {
  readonly feeds: number;
  readonly windowSeconds: number;
  /** CPU cores used by all five nodes together, averaged over the window. */
  readonly cpuCoresTotal: number;
  /** Per node 1..5 (node 1 is the bootstrap node). */
  readonly cpuCoresPerNode: number[];
  /** Highest RSS, PSS and private memory seen per node during the window. */
  readonly rssMiBPerNode: number[];
  readonly pssMiBPerNode: number[];
  readonly privateMiBPerNode: number[];
}

/** The nodes' CPU use over the next `windowMs`, and their peak RSS sampled every second. */
async function measure(don: LocalDon, feeds: number, windowMs: number): Promise<ResourceFigures> {
  const pids = NODES.map((i) => don.node(i).pid);
  const before = pids.map(usage);
  const started = Date.now();
  const peak = before.map((u) => ({ rss: u.rssMiB, pss: u.pssMiB, private: u.privateMiB }));
  while (Date.now() - started < windowMs) {
    await sleep(1_000);
    pids.forEach((pid, i) => {
      const now = usage(pid);
      const p = peak[i] as { rss: number; pss: number; private: number };
      p.rss = Math.max(p.rss, now.rssMiB);
      p.pss = Math.max(p.pss, now.pssMiB);
      p.private = Math.max(p.private, now.privateMiB);
    });
  }
  const seconds = (Date.now() - started) / 1000;
  const cpu = pids.map(
    (pid, i) => (usage(pid).cpuSeconds - (before[i] as ProcessUsage).cpuSeconds) / seconds,
  );
  return {
    feeds,
    windowSeconds: round(seconds, 1),
    cpuCoresTotal: round(
      cpu.reduce((a, b) => a + b, 0),
      3,
    ),
    cpuCoresPerNode: cpu.map((c) => round(c, 3)),
    rssMiBPerNode: peak.map((p) => round(p.rss, 1)),
    pssMiBPerNode: peak.map((p) => round(p.pss, 1)),
    privateMiBPerNode: peak.map((p) => round(p.private, 1)),
  };
}

/** Keeps every feed's price moving on the exchanges until stopped. */
function walkPrices(
  don: LocalDon,
  prices: Map<string, number>,
  everyMs: number,
  step: () => number,
): () => void {
  const timer = setInterval(() => {
    for (const [pair, price] of prices) {
      const next = price * (1 + step());
      prices.set(pair, next);
      don.setPrice(pair, next.toFixed(6));
    }
  }, everyMs);
  return () => clearInterval(timer);
}

async function startDon(
  feeds: DonFeed[],
  prices: Map<string, number>,
  options: Partial<Parameters<typeof LocalDon.start>[0]>,
) {
  const don = await LocalDon.start({
    totalNodes: 5,
    feeds,
    prices: Object.fromEntries([...prices].map(([pair, price]) => [pair, price.toFixed(6)])),
    logLevel: 'warn',
    ...options,
  });
  await don.startAggregator();
  await don.deploy();
  await don.setConfig();
  return don;
}

/** Sum over the oracles of a metric. */
async function total(don: LocalDon, name: string, labels: Record<string, string> = {}): Promise<number> {
  const values = await Promise.all(ORACLES.map((i) => don.node(i).metric(name, labels)));
  return values.reduce((a, b) => a + b, 0);
}

/** Cumulative histogram buckets (le → count) summed over the oracles. */
async function histogram(don: LocalDon, name: string): Promise<Map<number, number>> {
  const buckets = new Map<number, number>();
  for (const i of ORACLES) {
    const text = await don.node(i).metricsText();
    for (const match of text.matchAll(
      // `le` as a whole label (role="…" also ends in le=").
      new RegExp(`^${name}_bucket\\{(?:[^}]*,)?le="([^"]+)"[^}]*\\} (\\S+)$`, 'gm'),
    )) {
      const le = match[1] === '+Inf' ? Infinity : Number(match[1]);
      buckets.set(le, (buckets.get(le) ?? 0) + Number(match[2]));
    }
  }
  return buckets;
}

/** A quantile of the observations between two histogram snapshots, interpolated within its bucket (as Prometheus does). */
function quantile(before: Map<number, number>, after: Map<number, number>, q: number): number | undefined {
  const les = [...after.keys()].sort((a, b) => a - b);
  const counts = les.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const count = counts.at(-1) ?? 0;
  if (count === 0) return undefined;
  const rank = q * count;
  for (const [i, le] of les.entries()) {
    if ((counts[i] as number) >= rank) {
      const lower = i === 0 ? 0 : (les[i - 1] as number);
      const below = i === 0 ? 0 : (counts[i - 1] as number);
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / ((counts[i] as number) - below || 1);
    }
  }
  return undefined;
}

async function fastPhase() {
  const feed: DonFeed = { name: 'BTC / USD', pair: 'BTC/USD', decimals: 8, deviationPpb: 1_000_000 };
  const prices = new Map([[feed.pair, 65_000]]);
  // The DON's default timings are already aggressive but valid; more rounds per epoch.
  const don = await startDon([feed], prices, { ocr: { rMax: 20 } });
  try {
    const spawned = Date.now();
    await Promise.all(NODES.map((i) => don.startNode(i)));
    for (;;) {
      if ((await don.latestRoundData(feed.name)).answer !== 0n) break;
      await sleep(50);
    }
    const firstAnswerSeconds = (Date.now() - spawned) / 1000;
    let up = true;
    const stop = walkPrices(don, prices, 700, () => {
      up = !up;
      return up ? 0.005 : -0.005;
    });
    await sleep(3_000);
    const fromBlock = (await don.provider.getBlockNumber()) + 1;
    const [histBefore, sentBefore, roundsBefore] = [
      await histogram(don, 'oracle_round_duration_seconds'),
      await total(don, 'oracle_p2p_messages_sent_total'),
      await Promise.all(ORACLES.map((i) => don.node(i).metric('oracle_rounds_total'))),
    ];
    const resources = await measure(don, 1, quick ? 20_000 : 60_000);
    stop();
    const [histAfter, sentAfter, roundsAfter] = [
      await histogram(don, 'oracle_round_duration_seconds'),
      await total(don, 'oracle_p2p_messages_sent_total'),
      await Promise.all(ORACLES.map((i) => don.node(i).metric('oracle_rounds_total'))),
    ];
    const roundDeltas = roundsAfter.map((r, i) => r - (roundsBefore[i] as number)).sort((a, b) => a - b);
    const rounds = Math.max(1, roundDeltas[Math.floor(roundDeltas.length / 2)] as number);
    const reports = await don.transmissions(feed.name, fromBlock);
    const receipts = await Promise.all(reports.map((r) => don.provider.getTransactionReceipt(r.txHash)));
    const gas = receipts.map((r) => Number(r?.gasUsed ?? 0));
    return {
      firstAnswerSeconds: round(firstAnswerSeconds, 2),
      rounds,
      reports: reports.length,
      roundLatencyP50Seconds: round(quantile(histBefore, histAfter, 0.5) ?? NaN, 3),
      roundLatencyP95Seconds: round(quantile(histBefore, histAfter, 0.95) ?? NaN, 3),
      /** Rounds in the window per histogram bucket, cumulative (le → count), for the report's plot. */
      roundLatencyBuckets: Object.fromEntries(
        [...histAfter].map(([le, n]) => [le, n - (histBefore.get(le) ?? 0)]),
      ),
      p2pMessagesPerRound: round((sentAfter - sentBefore) / rounds, 1),
      transmitGasPerReport: gas.length ? Math.round(gas.reduce((a, b) => a + b, 0) / gas.length) : undefined,
      resources,
    };
  } finally {
    await don.stop();
  }
}

async function manyFeedsPhase(
  count: number,
): Promise<ResourceFigures & { feedsAnswered: number; setupSeconds: number }> {
  const setupStarted = Date.now();
  const feeds: DonFeed[] = Array.from({ length: count }, (_, i) => {
    const base = `T${String(i + 1).padStart(3, '0')}`;
    return { name: `${base} / USD`, pair: `${base}/USD`, decimals: 8 };
  });
  const prices = new Map(feeds.map((f, i) => [f.pair, 10 + i * 7.25]));
  const don = await startDon(feeds, prices, {
    aggregator: {
      cache: { defaultTtlMs: 5_000 },
      refetch: { enabled: true, staleTriggerBeforeExpiry: 1_000, minTimeBetweenRefreshes: 1_000 },
    },
    nodes: { observationTimeoutMs: 10_000, blockchainTimeoutMs: 20_000, configPollIntervalMs: 10_000 },
    // The production timing of the reference deployment.
    ocr: {
      deltaProgressMs: 35_000,
      deltaResendMs: 17_000,
      deltaRoundMs: 30_000,
      deltaGraceMs: 12_000,
      deltaStageMs: 60_000,
      rMax: 6,
      heartbeatSeconds: 86_400,
      deviationPpb: 5_000_000,
    },
  });
  const stop = walkPrices(don, prices, 2_000, () => (Math.random() - 0.5) * 0.004);
  try {
    await Promise.all(NODES.map((i) => don.startNode(i)));
    const deadline = Date.now() + (quick ? 120_000 : 180_000);
    let answered = 0;
    while (Date.now() < deadline) {
      answered = (
        await Promise.all(feeds.map(async (f) => (await don.latestRoundData(f.name)).answer !== 0n))
      ).filter(Boolean).length;
      if (answered === count) break;
      await sleep(2_000);
    }
    const setupSeconds = (Date.now() - setupStarted) / 1000;
    const figures = await measure(don, count, quick ? 30_000 : 90_000);
    return { ...figures, feedsAnswered: answered, setupSeconds: round(setupSeconds, 1) };
  } finally {
    stop();
    await don.stop();
  }
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

type Target = { readonly max: number; readonly measured: number | undefined };

/** How the nodes were started, as the s6 run script starts them. */
const nodeCommand = describeLaunch({ env: NODE_ENVIRONMENT, nodeFlags: NODE_FLAGS }, 'dist/main.js');

async function main(): Promise<void> {
  const fast = phaseFeeds.includes(1) ? await fastPhase() : undefined;
  if (fast) console.error(`1 feed: ${JSON.stringify(fast)}`);
  const many = new Map<number, Awaited<ReturnType<typeof manyFeedsPhase>>>();
  for (const count of phaseFeeds.filter((c) => c !== 1)) {
    many.set(count, await manyFeedsPhase(count));
    console.error(`${count} feeds: ${JSON.stringify(many.get(count))}`);
  }
  const phases: ResourceFigures[] = [...(fast ? [fast.resources] : []), ...many.values()];
  const fifty = many.get(50);
  const threeHundred = many.get(300);
  const targets: Record<string, Target> = {
    firstAnswerSeconds: { max: 20, measured: fast?.firstAnswerSeconds },
    roundLatencyP50Seconds: { max: 1, measured: fast?.roundLatencyP50Seconds },
    rssMiBPerNodeWith50Feeds: { max: 90, measured: fifty && Math.max(...fifty.rssMiBPerNode) },
    pssMiBPerNodeWith50Feeds: { max: 90, measured: fifty && Math.max(...fifty.pssMiBPerNode) },
    cpuCoresTotalWith300Feeds: { max: 1, measured: threeHundred?.cpuCoresTotal },
  };
  const verdict = ({ max, measured }: Target): string =>
    measured === undefined ? 'not run' : measured <= max ? 'met' : 'MISSED';
  const line = (label: string, value: string, target = ''): string =>
    `${label.padEnd(34)}${value.padEnd(22)}${target}`;
  const lines = [
    `OCR benchmark${quick ? ' (--quick)' : ''}: 1 bootstrap + 4 oracles, anvil automining, nodes run as \`${nodeCommand}\``,
    ...(fast
      ? [
          line('', 'measured', 'target'),
          line('first on-chain answer', `${fast.firstAnswerSeconds} s`, '<= 20 s'),
          line(
            'round latency p50 / p95',
            `${fast.roundLatencyP50Seconds} / ${fast.roundLatencyP95Seconds} s`,
            'p50 <= 1 s',
          ),
          line('rounds / reports in window', `${fast.rounds} / ${fast.reports}`),
          line('P2P messages per round (all)', String(fast.p2pMessagesPerRound)),
          line('transmit gas per report', String(fast.transmitGasPerReport ?? '-')),
          '',
        ]
      : []),
    'per node, node 1 = bootstrap; memory peaks in MiB (RSS includes ~50 MiB of the node binary shared by all nodes)',
    `${'feeds'.padEnd(7)}${'CPU total'.padEnd(11)}${'CPU per node'.padEnd(32)}${'RSS'.padEnd(32)}${'PSS'.padEnd(28)}private`,
    ...phases.map((p) =>
      [
        String(p.feeds).padEnd(7),
        p.cpuCoresTotal.toFixed(3).padEnd(11),
        p.cpuCoresPerNode
          .map((c) => c.toFixed(3))
          .join(' ')
          .padEnd(32),
        p.rssMiBPerNode
          .map((m) => m.toFixed(0))
          .join(' ')
          .padEnd(32),
        p.pssMiBPerNode
          .map((m) => m.toFixed(0))
          .join(' ')
          .padEnd(28),
        p.privateMiBPerNode.map((m) => m.toFixed(0)).join(' '),
      ].join(''),
    ),
    ...[...many].map(([count, p]) => `${count} feeds: ${p.feedsAnswered}/${count} answered before measuring`),
    `targets: ${Object.entries(targets)
      .map(([name, target]) => `${name} ${verdict(target)}`)
      .join(', ')}`,
  ];
  console.log(lines.join('\n'));
  const feedsAnswered = Object.fromEntries([...many].map(([count, p]) => [count, p.feedsAnswered]));
  console.log(
    JSON.stringify({
      bench: 'ocr',
      quick,
      nodeFlags: NODE_FLAGS,
      nodeEnvironment: NODE_ENVIRONMENT,
      ...fast,
      phases,
      feedsAnswered,
      targets,
    }),
  );
}

await main();
