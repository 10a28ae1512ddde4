/**
 * Gathers what the status page shows: every node's `/status` and `/health` on 127.0.0.1 at its
 * configured API port, the price aggregator's `/quotes/batch` for the feeds' pairs, and each feed's
 * latestRoundData read through its proxy (as consumers read it), all in parallel with a deadline. Remembers when each node last answered, so a node that stopped
 * answering shows for how long. Concurrent viewers share one collection, reused for `maxAgeMs`.
 */
import type { NodeConfig } from '@oracle/config';
import { HttpRequestError, httpRequest, SingleFlight, type HttpResponse } from '@oracle/core';
import { aggregatorProxyAt } from '@oracle/evm';
import { z } from 'zod';
import { jsonRpcProvider } from '../adapters/rpc-provider.js';
import type { Clock } from '../ports/clock.js';
import {
  buildDonModel,
  type AggregateAnswer,
  type AggregatorAnswer,
  type DonModel,
  type FeedSettings,
  type NodeProbe,
  type NodeRole,
  type ProxyRead,
} from './don-model.js';

export interface DonCollectorOptions {
  /** Every node of the DON, from the configuration. */
  readonly nodes: readonly { readonly index: number; readonly role: NodeRole; readonly apiPort: number }[];
  readonly feeds: readonly FeedSettings[];
  /** The price aggregator, e.g. http://127.0.0.1:3000. */
  readonly aggregatorUrl: string;
  readonly clock: Pick<Clock, 'nowMs'>;
  /** Deadline of each request (default 1 500 ms). */
  readonly timeoutMs?: number;
  /** A model younger than this is served again (default 1 000 ms). */
  readonly maxAgeMs?: number;
  /** latestRoundData() of a proxy; absent: proxies are not read. */
  readonly readProxy?: (address: string) => Promise<Omit<Extract<ProxyRead, { ok: true }>, 'ok'>>;
}

/** The aggregator answers at most this many pairs per request. */
const MAX_PAIRS_PER_REQUEST = 500;

const epochRound = { epoch: z.number(), round: z.number() };
const statusSchema = z.object({
  peerId: z.string(),
  transmitter: z.string().optional(),
  peers: z.array(z.string()),
  feeds: z.array(
    z.object({
      name: z.string(),
      oracleId: z.number().optional(),
      instance: z
        .object({
          ...epochRound,
          configDigest: z.string(),
          leader: z.number(),
          lastTransmission: z.object({ ...epochRound, outcome: z.object({ status: z.string() }) }).optional(),
          onChain: z
            .object({
              ...epochRound,
              configDigest: z.string(),
              answer: z
                .string()
                .regex(/^-?\d+$/)
                .transform(BigInt),
              timestampMs: z.number(),
            })
            .optional(),
          guard: z
            .object({ held: z.object({ reason: z.string(), detail: z.string() }).optional() })
            .optional(),
        })
        .optional(),
    }),
  ),
});
const healthSchema = z.object({
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string() })),
});
const batchSchema = z.object({
  pairs: z.record(
    z.string(),
    z.object({
      price: z.string().optional(),
      error: z.string().optional(),
      contributors: z.array(z.string()).default([]),
      rejected: z.array(z.object({ source: z.string(), reason: z.string() })).default([]),
    }),
  ),
});

interface Seen {
  lastSeenMs?: number;
  downSinceMs?: number;
}

export class DonCollector {
  readonly #o: DonCollectorOptions;
  readonly #seen = new Map<number, Seen>();
  readonly #flight = new SingleFlight<'model', DonModel>();
  #latest: DonModel | undefined;

  constructor(options: DonCollectorOptions) {
    this.#o = options;
  }

  /** The DON as of at most `maxAgeMs` ago. Never rejects: what does not answer is shown so. */
  model(): Promise<DonModel> {
    const latest = this.#latest;
    if (latest && this.#o.clock.nowMs() - latest.generatedAtMs < (this.#o.maxAgeMs ?? 1_000))
      return Promise.resolve(latest);
    return this.#flight.run('model', async () => {
      const [nodes, aggregator, proxies] = await Promise.all([
        Promise.all(this.#o.nodes.map((node) => this.#probe(node))),
        this.#aggregates(),
        this.#proxies(),
      ]);
      this.#latest = buildDonModel({
        nowMs: this.#o.clock.nowMs(),
        feeds: this.#o.feeds,
        nodes,
        aggregator,
        proxies,
        ...(this.#latest ? { previous: this.#latest } : {}),
      });
      return this.#latest;
    });
  }

  async #proxies(): Promise<Map<string, ProxyRead>> {
    const { readProxy, feeds } = this.#o;
    const reads = new Map<string, ProxyRead>();
    if (!readProxy) return reads;
    const timeoutMs = this.#o.timeoutMs ?? 1_500;
    await Promise.all(
      feeds.map(async (feed) => {
        if (!feed.proxyAddress) return;
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
        });
        try {
          reads.set(feed.name, {
            ok: true,
            ...(await Promise.race([readProxy(feed.proxyAddress), deadline])),
          });
        } catch (error) {
          const short = (error as { shortMessage?: string }).shortMessage;
          reads.set(feed.name, {
            ok: false,
            error: short ?? (error instanceof Error ? error.message : String(error)),
          });
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return reads;
  }

  async #probe(node: DonCollectorOptions['nodes'][number]): Promise<NodeProbe> {
    const base = `http://127.0.0.1:${node.apiPort}`;
    const [status, health] = await Promise.all([
      this.#getJson(`${base}/status`, statusSchema, [200]),
      this.#getJson(`${base}/health`, healthSchema, [200, 503]),
    ]);
    const nowMs = this.#o.clock.nowMs();
    const seen = this.#seen.get(node.index) ?? {};
    this.#seen.set(node.index, seen);
    const answer: NodeProbe['answer'] = !status.ok
      ? status
      : !health.ok
        ? health
        : {
            ok: true,
            status: status.value,
            health: {
              ok: Object.values(health.value.checks).every((check) => check.ok),
              checks: health.value.checks,
            },
          };
    if (answer.ok) {
      seen.lastSeenMs = nowMs;
      delete seen.downSinceMs;
    } else seen.downSinceMs ??= nowMs;
    return { index: node.index, role: node.role, answer, ...seen };
  }

  async #aggregates(): Promise<AggregatorAnswer> {
    const pairs = [...new Set(this.#o.feeds.map((feed) => feed.pair))];
    const answers: Record<string, AggregateAnswer> = {};
    for (let i = 0; i < pairs.length; i += MAX_PAIRS_PER_REQUEST) {
      const query = pairs
        .slice(i, i + MAX_PAIRS_PER_REQUEST)
        .map((pair) => encodeURIComponent(pair.replace('/', '-')))
        .join(',');
      const batch = await this.#getJson(
        `${this.#o.aggregatorUrl}/quotes/batch?pairs=${query}`,
        batchSchema,
        [200],
      );
      if (!batch.ok) return batch;
      Object.assign(answers, batch.value.pairs);
    }
    return { ok: true, pairs: answers };
  }

  /** GET and parse; failures become a short reason that names neither the URL nor the body. */
  async #getJson<T>(
    url: string,
    schema: z.ZodType<T>,
    statuses: readonly number[],
  ): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
    let response: HttpResponse;
    try {
      response = await httpRequest(url, { timeoutMs: this.#o.timeoutMs ?? 1_500 });
    } catch (error) {
      return { ok: false, error: `no answer (${reason(error)})` };
    }
    if (!statuses.includes(response.status)) return { ok: false, error: `answered HTTP ${response.status}` };
    try {
      const parsed = schema.safeParse(JSON.parse(response.body));
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: 'unexpected answer' };
    } catch {
      return { ok: false, error: 'unreadable answer' };
    }
  }
}

/** The page model of a node's DON, as its configuration describes it (what a bootstrap node serves as `/don`). */
export function donModelSource(node: NodeConfig, clock: Pick<Clock, 'nowMs'>): () => Promise<DonModel> {
  const provider = node.feeds.some((feed) => feed.proxyAddress)
    ? jsonRpcProvider(node.chain.rpcHttpUrl, node.chain.chainId)
    : undefined;
  const collector = new DonCollector({
    nodes: node.peers,
    feeds: node.feeds,
    aggregatorUrl: node.priceAggregatorUrl,
    clock,
    ...(provider
      ? {
          readProxy: async (address: string) => {
            const round = await aggregatorProxyAt(address, provider).latestRoundData();
            return { roundId: round.roundId, answer: round.answer, updatedAt: Number(round.updatedAt) };
          },
        }
      : {}),
  });
  return () => collector.model();
}

function reason(error: unknown): string {
  if (!(error instanceof HttpRequestError)) return 'network error';
  if (error.kind === 'timeout') return 'timed out';
  if (error.detail === 'ECONNREFUSED') return 'connection refused';
  if (error.detail === 'ECONNRESET') return 'connection reset';
  return error.kind === 'network' ? (error.detail ?? 'network error') : error.message;
}
