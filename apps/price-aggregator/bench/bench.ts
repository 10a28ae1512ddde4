/**
 * Benchmark of the built price aggregator against the fake exchange on loopback.
 *
 *   npm run bench:aggregator -- --duration 60 --load-seconds 10
 *
 * Measures: cache-hit `GET /quote/...` throughput and latency; `GET /quotes/batch` with 10 and 100
 * pairs at 100 req/s; upstream requests while 1 and 8 simulated oracle nodes poll 100 pairs every
 * second for `--duration` seconds (a multiple of 5 s, the refetch period, compares best); the
 * aggregator's RSS with 100 active pairs. Prints a table and one JSON line.
 *
 * The aggregator runs with the environment and Node flags of its s6 run script (run-script.ts); each
 * load phase runs on its own worker thread (load-worker.ts), away from the fake exchange.
 */
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { FakeExchange } from '@oracle/fake-exchange';
import type { SourceId } from '@oracle/config';
import { describeLaunch, runScriptLaunch } from '@oracle/testing';
import {
  eventually,
  fakeSources,
  sleep,
  startAggregator,
  type AggregatorProcess,
} from '../test/aggregator-process.js';
import { get, round, summarize, type LoadSummary } from './load.js';
import { inWorker } from './load-worker.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const SOURCES: readonly SourceId[] = ['binance', 'okx', 'kraken', 'coinbase'];
const PAIRS = Array.from({ length: 100 }, (_, i) => ({
  base: `A${String(i).padStart(3, '0')}`,
  quote: 'USD',
}));
/**
 * Batches per second in the batch phases: ten times what 8 oracle nodes polling every second ask
 * (the real load is a few per second); the answers are built per request, see docs/adr/0001.
 */
const BATCH_RATE = 100;
/** Quotes live 10 s and are refetched 5 s before expiry: every pair is refetched once per 5 s. */
const TTL_MS = 10_000;
const REFETCH_LEAD_MS = 5_000;
const REFETCH_PERIOD_MS = TTL_MS - REFETCH_LEAD_MS;
/** Pairs per request at each source (`maxBatchSize` of src/sources/<id>/<id>.source.ts). */
const MAX_BATCH_SIZE: Readonly<Record<string, number>> = { binance: 100, okx: 1, kraken: 50, coinbase: 50 };
/** The fewest requests one refresh round of the 100 pairs can take at each source. */
const FEWEST_PER_ROUND = Object.fromEntries(
  SOURCES.map((id) => [id, Math.ceil(PAIRS.length / (MAX_BATCH_SIZE[id] ?? 1))]),
) as Record<SourceId, number>;
const TARGETS = { batch100P99Ms: 10, upstreamRatio: 1.05, rssMiB: 150, floodRssMiB: 200 };
/** Oracle nodes' real load on the batch route is a few requests per second; 100/s gives a p99 of 1 000 samples in 10 s. */
const ISOLATION_RATE = 100;
/** The flood: every second, `requests` requests of `pairsPerRequest` random pairs nobody configured, `concurrent` at a time. */
const FLOOD = { pairsPerRequest: 500, requests: 20, concurrent: 4 };

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    'load-seconds': { type: 'string', default: '10' },
  },
});
const pollSeconds = Number(flags.duration);
const loadMs = Number(flags['load-seconds']) * 1000;
/** Started as its s6 run script starts it, so the benchmark measures exactly what runs. */
const launch = runScriptLaunch(
  fileURLToPath(new URL('../../../../rootfs/etc/s6-overlay/scripts/price-aggregator-run', import.meta.url)),
);

async function main(): Promise<void> {
  const fake = await FakeExchange.start();
  PAIRS.forEach((pair, i) => {
    SOURCES.forEach((source, s) => fake.setPrice(source, pair.base, pair.quote, `${100 + i}.${10 + s}`));
  });
  try {
    const latency = await withAggregator(fake, async (app) => ({
      quote: summarize(
        await inWorker({
          kind: 'closed',
          url: `${app.url}/quote/binance/A000/USD`,
          concurrency: 16,
          durationMs: loadMs,
        }),
      ),
      batch10: summarize(
        await inWorker({
          kind: 'open',
          url: batchUrl(app, 10),
          ratePerSecond: BATCH_RATE,
          durationMs: loadMs,
        }),
      ),
      batch100: summarize(
        await inWorker({
          kind: 'open',
          url: batchUrl(app, 100),
          ratePerSecond: BATCH_RATE,
          durationMs: loadMs,
        }),
      ),
    }));
    const isolation = await withAggregator(fake, (app) => hangingSource(fake, app));
    const flood = await withAggregator(fake, (app) => floodOfAdHocPairs(fake, app));
    const one = await withAggregator(fake, (app) => poll(fake, app, 1));
    const eight = await withAggregator(fake, async (app) => ({
      ...(await poll(fake, app, 8)),
      rssMiB: rssMiB(app.pid),
    }));
    const rounds = (pollSeconds * 1000) / REFETCH_PERIOD_MS;
    report({
      ...latency,
      batchRatePerSecond: BATCH_RATE,
      upstream: {
        pollers1: one.upstream,
        pollers8: eight.upstream,
        ratio: round(eight.upstream / one.upstream, 3),
        seconds: pollSeconds,
        perSourcePerMinute: mapSources((id) => round((one.bySource[id] * 60) / pollSeconds, 1)),
        perSourcePerRound: mapSources((id) => round(one.bySource[id] / rounds, 2)),
        fewestPerRound: FEWEST_PER_ROUND,
        refreshRoundsPerMinute: round(60_000 / REFETCH_PERIOD_MS, 2),
      },
      rssMiB: eight.rssMiB,
      isolation,
      flood,
      launch: describeLaunch(launch),
    });
  } finally {
    await fake.close();
  }
}

/** Runs `work` against a fresh aggregator with 100 configured pairs over four sources, warmed up. */
async function withAggregator<T>(
  fake: FakeExchange,
  work: (app: AggregatorProcess) => Promise<T>,
): Promise<T> {
  const app = await startAggregator(
    {
      logger: { level: 'warn' },
      cache: { defaultTtlMs: TTL_MS },
      refetch: { staleTriggerBeforeExpiry: REFETCH_LEAD_MS },
      aggregation: { minSources: 2 },
      pairs: PAIRS.map((p) => ({ pair: `${p.base}/${p.quote}`, sources: [...SOURCES] })),
      sources: fakeSources(fake, SOURCES, { timeoutMs: 2_000, maxRetries: 2 }),
    },
    { mainPath: MAIN, nodeFlags: launch.nodeFlags, env: launch.env },
  );
  try {
    await eventually(async () => (await app.get('/health')).status === 200, 30_000, 'every pair fresh');
    // Start counting half a refetch period in, so a window of whole periods never cuts a refetch round in two.
    await sleep(REFETCH_PERIOD_MS / 2);
    fake.resetCounts();
    return await work(app);
  } finally {
    await app.stop();
  }
}

function batchUrl(app: AggregatorProcess, count: number): string {
  return `${app.url}/quotes/batch?pairs=${PAIRS.slice(0, count)
    .map((p) => `${p.base}-${p.quote}`)
    .join(',')}`;
}

/** `pollers` oracle nodes, each asking for all 100 pairs once a second (staggered), for the poll duration. */
async function poll(
  fake: FakeExchange,
  app: AggregatorProcess,
  pollers: number,
): Promise<{ upstream: number; bySource: Record<SourceId, number> }> {
  const agent = new Agent({ keepAlive: true });
  const url = batchUrl(app, PAIRS.length);
  const start = Date.now();
  const node = async (index: number): Promise<void> => {
    for (let round = 0; ; round++) {
      const at = start + (index * 1000) / pollers + round * 1000;
      if (at >= start + pollSeconds * 1000) return;
      await sleep(Math.max(0, at - Date.now()));
      const status = await get(agent, url);
      if (status !== 200) throw new Error(`poller ${index} got HTTP ${status}`);
    }
  };
  await Promise.all(Array.from({ length: pollers }, (_, i) => node(i)));
  agent.destroy();
  return { upstream: fake.requestCount(), bySource: mapSources((id) => fake.requestCount(id)) };
}

/**
 * Batches of the 100 configured pairs at ISOLATION_RATE, first with every source answering, then
 * with okx hanging (its quotes expire during the phase, and it is marked down after its timeout).
 */
async function hangingSource(fake: FakeExchange, app: AggregatorProcess): Promise<Figures['isolation']> {
  const load = async (): Promise<LoadSummary> =>
    summarize(
      await inWorker({
        kind: 'open',
        url: batchUrl(app, PAIRS.length),
        ratePerSecond: ISOLATION_RATE,
        durationMs: loadMs,
      }),
    );
  const healthy = await load();
  fake.setFault('okx', { kind: 'hang' });
  try {
    return { healthy, okxHanging: await load() };
  } finally {
    fake.setFault('okx', undefined);
  }
}

/**
 * FLOOD.requests requests of FLOOD.pairsPerRequest random pairs nobody configured, every second
 * for the load time, while an oracle node asks for the 100 configured pairs four times a second:
 * the aggregator's peak RSS, the node's batches that lacked a price for any pair, its slowest
 * batch, and the upstream requests the flood caused.
 */
async function floodOfAdHocPairs(fake: FakeExchange, app: AggregatorProcess): Promise<Figures['flood']> {
  let peakRssMiB = rssMiB(app.pid);
  const sampler = setInterval(() => (peakRssMiB = Math.max(peakRssMiB, rssMiB(app.pid))), 100);
  const agent = new Agent({ keepAlive: true, maxSockets: FLOOD.concurrent + 1 });
  const started = Date.now();
  let flooding = true;
  let batches = 0;
  let batchesMissingAPrice = 0;
  let slowestBatchMs = 0;
  const node = (async () => {
    while (flooding) {
      const asked = performance.now();
      const { body } = await app.get<{ pairs: Record<string, { price?: string }> }>(
        `/quotes/batch?pairs=${PAIRS.map((p) => `${p.base}-${p.quote}`).join(',')}`,
      );
      slowestBatchMs = Math.max(slowestBatchMs, performance.now() - asked);
      batches++;
      if (PAIRS.some((p) => body.pairs[`${p.base}/${p.quote}`]?.price === undefined)) batchesMissingAPrice++;
      await sleep(250);
    }
  })();
  let floodRequests = 0;
  for (let wave = 0; Date.now() - started < loadMs; wave++) {
    await sleep(Math.max(0, started + wave * 1000 - Date.now()));
    for (let i = 0; i < FLOOD.requests; i += FLOOD.concurrent) {
      await Promise.all(
        Array.from({ length: FLOOD.concurrent }, async (_, j) => {
          const seed = `${wave}x${i + j}`;
          const pairs = Array.from({ length: FLOOD.pairsPerRequest }, (_, k) => `F${seed}N${k}-USD`);
          await get(agent, `${app.url}/quotes/batch?pairs=${pairs.join(',')}`);
          floodRequests++;
        }),
      );
    }
  }
  flooding = false;
  await node;
  clearInterval(sampler);
  agent.destroy();
  return {
    floodRequests,
    pairsAsked: floodRequests * FLOOD.pairsPerRequest,
    seconds: round((Date.now() - started) / 1000, 1),
    peakRssMiB: round(peakRssMiB, 1),
    batches,
    batchesMissingAPrice,
    slowestBatchMs: round(slowestBatchMs, 1),
    upstreamRequests: fake.requestCount(),
  };
}

function mapSources<T>(value: (id: SourceId) => T): Record<SourceId, T> {
  return Object.fromEntries(SOURCES.map((id) => [id, value(id)])) as Record<SourceId, T>;
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return round(Number(match?.[1] ?? Number.NaN) / 1024, 1);
}

interface Figures {
  readonly quote: LoadSummary;
  readonly batchRatePerSecond: number;
  readonly batch10: LoadSummary;
  readonly batch100: LoadSummary;
  readonly upstream: {
    pollers1: number;
    pollers8: number;
    ratio: number;
    seconds: number;
    /** Upstream requests per minute at each source, 1 poller. */
    perSourcePerMinute: Record<SourceId, number>;
    /** The same per refresh round (every pair is refetched once per TTL − lead). */
    perSourcePerRound: Record<SourceId, number>;
    /** The fewest requests a round can take at each source: ceil(100 pairs / its maxBatchSize). */
    fewestPerRound: Record<SourceId, number>;
    refreshRoundsPerMinute: number;
  };
  readonly rssMiB: number;
  /** 100-pair batches of configured pairs, every source answering and okx hanging. */
  readonly isolation: { readonly healthy: LoadSummary; readonly okxHanging: LoadSummary };
  readonly flood: {
    readonly floodRequests: number;
    readonly pairsAsked: number;
    readonly seconds: number;
    readonly peakRssMiB: number;
    readonly batches: number;
    readonly batchesMissingAPrice: number;
    readonly slowestBatchMs: number;
    readonly upstreamRequests: number;
  };
  /** How the aggregator was started (its run script's environment and Node flags). */
  readonly launch: string;
}

function report(f: Figures): void {
  const pass = {
    batch100P99: f.batch100.p99Ms <= TARGETS.batch100P99Ms,
    upstreamRatio: f.upstream.ratio <= TARGETS.upstreamRatio,
    // No more requests per refresh round than the source's batch size allows.
    upstreamPerRound: SOURCES.every(
      (id) => f.upstream.perSourcePerRound[id] <= f.upstream.fewestPerRound[id],
    ),
    rss: f.rssMiB <= TARGETS.rssMiB,
    // "Unchanged within noise": at most twice the healthy p99, or 5 ms more, whichever is larger.
    hangingSourceP99:
      f.isolation.okxHanging.p99Ms <= Math.max(2 * f.isolation.healthy.p99Ms, f.isolation.healthy.p99Ms + 5),
    floodRss: f.flood.peakRssMiB <= TARGETS.floodRssMiB,
    floodHeartbeat: f.flood.batchesMissingAPrice === 0,
  };
  const row = (name: string, s: LoadSummary, load: string): string[] => [
    name,
    load,
    String(s.requestsPerSecond),
    String(s.p50Ms),
    String(s.p99Ms),
    String(s.errors),
  ];
  table(
    ['measurement', 'load', 'req/s', 'p50 ms', 'p99 ms', 'errors'],
    [
      row('GET /quote (cache hit)', f.quote, '16 callers'),
      row('GET /quotes/batch, 10 pairs', f.batch10, `${BATCH_RATE} req/s`),
      row(
        `GET /quotes/batch, 100 pairs${pass.batch100P99 ? '' : ' (OVER TARGET)'}`,
        f.batch100,
        `${BATCH_RATE} req/s`,
      ),
      row('GET /quotes/batch, 100 configured pairs', f.isolation.healthy, `${ISOLATION_RATE} req/s`),
      row(
        `  the same, okx hanging${pass.hangingSourceP99 ? '' : ' (p99 OVER NOISE)'}`,
        f.isolation.okxHanging,
        `${ISOLATION_RATE} req/s`,
      ),
    ],
  );
  const flood = f.flood;
  table(
    ['flood of ad-hoc pairs', 'value', 'target'],
    [
      [
        'requests x pairs, seconds',
        `${flood.floodRequests} x ${FLOOD.pairsPerRequest} (${flood.pairsAsked} pairs), ${flood.seconds} s`,
        '',
      ],
      [
        'peak RSS (MiB)',
        String(flood.peakRssMiB),
        `<= ${TARGETS.floodRssMiB}${pass.floodRss ? '' : ' (MISSED)'}`,
      ],
      [
        'configured batches lacking a price',
        `${flood.batchesMissingAPrice} of ${flood.batches}`,
        `0${pass.floodHeartbeat ? '' : ' (MISSED)'}`,
      ],
      ['slowest configured batch (ms)', String(flood.slowestBatchMs), ''],
      ['upstream requests during the flood', String(flood.upstreamRequests), ''],
    ],
  );
  console.log(`\naggregator started as its s6 run script starts it: ${f.launch}`);
  table(
    ['measurement', 'value', 'target'],
    [
      [`upstream requests, 1 poller, ${f.upstream.seconds} s`, String(f.upstream.pollers1), ''],
      [`upstream requests, 8 pollers, ${f.upstream.seconds} s`, String(f.upstream.pollers8), ''],
      [
        'ratio 8 / 1',
        String(f.upstream.ratio),
        `<= ${TARGETS.upstreamRatio}${pass.upstreamRatio ? '' : ' (MISSED)'}`,
      ],
      ...SOURCES.map((id) => [
        `upstream requests per minute, ${id} (per refresh round)`,
        `${f.upstream.perSourcePerMinute[id]} (${f.upstream.perSourcePerRound[id]})`,
        `<= ${f.upstream.fewestPerRound[id]} per round${
          f.upstream.perSourcePerRound[id] <= f.upstream.fewestPerRound[id] ? '' : ' (MISSED)'
        }`,
      ]),
      ['RSS, 100 active pairs (MiB)', String(f.rssMiB), `<= ${TARGETS.rssMiB}${pass.rss ? '' : ' (MISSED)'}`],
      [
        'batch 100 pairs p99 (ms)',
        String(f.batch100.p99Ms),
        `<= ${TARGETS.batch100P99Ms}${pass.batch100P99 ? '' : ' (MISSED)'}`,
      ],
    ],
  );
  console.log(JSON.stringify({ bench: 'price-aggregator', ...f, targets: TARGETS, pass }));
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(
    ['', line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ''].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
