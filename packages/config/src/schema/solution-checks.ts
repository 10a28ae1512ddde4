import { toFixedPoint } from '@oracle/core';
import type { z } from 'zod';
import { enabledSourceIds, sourceSettings } from './aggregator-sources.js';
import { resolveFeedSources, type FeedGuardFields } from './feeds.js';
import { defaultFaultTolerance } from './ocr.js';
import type { PairSource } from './price-aggregator.js';
import { nodeKeyFindings } from './node-keys.js';
import { secretFileFindings } from './secret-files.js';
import type { SolutionFields } from './solution.js';
import { SOURCE_CONFIG_KEYS, SOURCES_REQUIRING_API_KEY, type SourceId } from './sources.js';

interface Finding {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Cross-field rules of `solution`; each finding names the key to change. */
export function checkSolution(solution: SolutionFields, ctx: z.RefinementCtx): void {
  for (const { path, message } of solutionFindings(solution))
    ctx.addIssue({ code: 'custom', path: [...path], message });
}

function* solutionFindings(s: SolutionFields): Generator<Finding> {
  yield* nodeCountFindings(s);
  yield* ocrTimingFindings(s);
  yield* portFindings(s);
  yield* aggregatorFindings(s);
  yield* feedFindings(s);
  yield* secretFileFindings(s);
  yield* nodeKeyFindings(s);
  if (s.postgres.passwords && s.postgres.passwords.length !== s.totalNodes) {
    yield {
      path: ['postgres', 'passwords'],
      message: `lists ${s.postgres.passwords.length} passwords for ${s.totalNodes} nodes`,
    };
  }
  if (s.gas.maxPriorityFeePerGasWei > s.gas.maxFeePerGasWei) {
    yield { path: ['gas', 'maxPriorityFeePerGasWei'], message: 'must not exceed maxFeePerGasWei' };
  }
}

function* nodeCountFindings(s: SolutionFields): Generator<Finding> {
  const bootstraps = new Set<number>();
  for (const [i, index] of s.bootstrapNodes.entries()) {
    if (index > s.totalNodes) {
      yield {
        path: ['bootstrapNodes', i],
        message: `node ${index} does not exist: nodes are numbered 1..${s.totalNodes} (totalNodes)`,
      };
    } else if (bootstraps.has(index)) {
      yield { path: ['bootstrapNodes', i], message: `node ${index} is listed twice` };
    }
    bootstraps.add(index);
  }
  const oracles = s.totalNodes - [...bootstraps].filter((index) => index <= s.totalNodes).length;
  const counted = `${oracles} oracles (totalNodes ${s.totalNodes} minus ${bootstraps.size} bootstrap)`;
  if (s.ocr.f !== undefined) {
    if (3 * s.ocr.f >= oracles)
      yield {
        path: ['ocr', 'f'],
        message: `f = ${s.ocr.f} needs more than ${3 * s.ocr.f} oracles (3f < n); there are ${counted}`,
      };
  } else if (defaultFaultTolerance(oracles) < 1) {
    yield {
      path: ['totalNodes'],
      message: `OCR needs f >= 1 and 3f < n, so at least 4 oracles; there are ${counted}`,
    };
  }
}

function* ocrTimingFindings(s: SolutionFields): Generator<Finding> {
  const { deltaGraceMs, deltaRoundMs, deltaProgressMs } = s.ocr;
  if (deltaGraceMs >= deltaRoundMs)
    yield { path: ['ocr', 'deltaGraceMs'], message: `must be less than deltaRoundMs (${deltaRoundMs})` };
  if (deltaRoundMs >= deltaProgressMs)
    yield {
      path: ['ocr', 'deltaRoundMs'],
      message: `must be less than deltaProgressMs (${deltaProgressMs})`,
    };
  if (s.nodes.observationTimeoutMs >= deltaRoundMs) {
    yield {
      path: ['nodes', 'observationTimeoutMs'],
      message: `must be less than ocr.deltaRoundMs (${deltaRoundMs}): an observation must arrive within its round`,
    };
  }
}

interface Listener {
  readonly path: readonly (string | number)[];
  readonly what: string;
  readonly first: number;
  readonly last: number;
}

const describePorts = ({ what, first, last }: Listener): string =>
  first === last ? `${what} (port ${first})` : `${what} (ports ${first}-${last})`;

/** Everything listens in one container: no two listeners may share a port. */
function* portFindings(s: SolutionFields): Generator<Finding> {
  const { apiPortBase, p2pPortBase } = s.nodes;
  const listeners: Listener[] = [
    {
      path: ['nodes', 'apiPortBase'],
      what: 'the node APIs',
      first: apiPortBase + 1,
      last: apiPortBase + s.totalNodes,
    },
    {
      path: ['nodes', 'p2pPortBase'],
      what: 'the node P2P listeners',
      first: p2pPortBase + 1,
      last: p2pPortBase + s.totalNodes,
    },
    {
      path: ['priceAggregatorConfig', 'port'],
      what: 'the price aggregator',
      first: s.priceAggregatorConfig.port,
      last: s.priceAggregatorConfig.port,
    },
    {
      path: ['processMetrics', 'port'],
      what: 'process-metrics',
      first: s.processMetrics.port,
      last: s.processMetrics.port,
    },
  ];
  if (/^(localhost|127\.\d+\.\d+\.\d+|::1)$/.test(s.postgres.host)) {
    listeners.push({
      path: ['postgres', 'port'],
      what: 'PostgreSQL',
      first: s.postgres.port,
      last: s.postgres.port,
    });
  }
  for (const [j, later] of listeners.entries()) {
    if (later.last > 65_535) {
      // A single port out of range is the schema's finding; a range running past the end is ours.
      if (later.first !== later.last)
        yield { path: later.path, message: `node ${s.totalNodes} would get port ${later.last}, above 65535` };
      continue;
    }
    const clash = listeners
      .slice(0, j)
      .find((earlier) => later.first <= earlier.last && earlier.first <= later.last);
    if (clash)
      yield { path: later.path, message: `${describePorts(later)} collides with ${describePorts(clash)}` };
  }
}

const sourceIdOf = (entry: PairSource): SourceId => (typeof entry === 'string' ? entry : entry.source);
const symbolOf = (entry: PairSource): string | undefined =>
  typeof entry === 'string' ? undefined : entry.symbol;

/** Whether two source lists ask the same sources for the same symbols (`pair` where none is given), in any order. */
function sameSourceList(a: readonly PairSource[], b: readonly PairSource[], pair: string): boolean {
  const keys = (list: readonly PairSource[]) =>
    list.map((entry) => `${sourceIdOf(entry)} ${symbolOf(entry) ?? pair}`).sort();
  return keys(a).join('\n') === keys(b).join('\n');
}

function* sourceListFindings(
  entries: readonly PairSource[],
  enabled: ReadonlySet<SourceId>,
  path: readonly (string | number)[],
): Generator<Finding> {
  const seen = new Set<string>();
  for (const [j, entry] of entries.entries()) {
    const id = sourceIdOf(entry);
    const key = `${id} ${symbolOf(entry) ?? ''}`;
    if (!enabled.has(id))
      yield { path: [...path, j], message: `source ${id} is not enabled in priceAggregatorConfig.sources` };
    else if (seen.has(key)) yield { path: [...path, j], message: `source ${id} is listed twice` };
    seen.add(key);
  }
}

function* aggregatorFindings(s: SolutionFields): Generator<Finding> {
  const aggregator = s.priceAggregatorConfig;
  const enabled = new Set(enabledSourceIds(aggregator.sources));
  for (const id of SOURCES_REQUIRING_API_KEY) {
    if (enabled.has(id) && !sourceSettings(aggregator.sources, id).apiKey) {
      yield {
        path: ['priceAggregatorConfig', 'sources', SOURCE_CONFIG_KEYS[id], 'apiKey'],
        message: `${id} is enabled and needs an API key: add {"file": "<path>"} or {"env": "<VARIABLE>"}, or set enabled to false`,
      };
    }
  }
  for (const [i, entry] of aggregator.pairsTtl.entries()) {
    if (entry.source && !enabled.has(entry.source)) {
      yield {
        path: ['priceAggregatorConfig', 'pairsTtl', i, 'source'],
        message: `source ${entry.source} is not enabled in priceAggregatorConfig.sources`,
      };
    }
  }
  const pairs = new Set<string>();
  for (const [i, entry] of aggregator.pairs.entries()) {
    const path = ['priceAggregatorConfig', 'pairs', i];
    if (pairs.has(entry.pair))
      yield { path: [...path, 'pair'], message: `pair ${entry.pair} is listed twice` };
    pairs.add(entry.pair);
    yield* sourceListFindings(entry.sources, enabled, [...path, 'sources']);
    if (entry.minSources !== undefined && entry.minSources > entry.sources.length) {
      yield {
        path: [...path, 'minSources'],
        message: `asks for ${entry.minSources} sources but lists ${entry.sources.length}`,
      };
    }
  }
  const push = aggregator.metricsPush;
  if (push.enabled && !push.url && push.targets.length === 0) {
    yield {
      path: ['priceAggregatorConfig', 'metricsPush', 'url'],
      message: 'metrics push is enabled but has neither url nor targets',
    };
  }
  const ownPush = s.processMetrics.push;
  if (ownPush?.enabled && !ownPush.url && ownPush.targets.length === 0) {
    yield {
      path: ['processMetrics', 'push', 'url'],
      message: 'metrics push is enabled but has neither url nor targets',
    };
  }
}

/** A guard must check something; its band must be a range the feed's decimals can represent. */
function* guardFindings(
  guard: FeedGuardFields,
  decimals: number,
  path: readonly (string | number)[],
): Generator<Finding> {
  if (guard.maxChangePpb === undefined && guard.band === undefined) {
    yield { path, message: 'needs maxChangePpb or band (remove guard to switch it off)' };
    return;
  }
  const band = guard.band;
  if (!band) return;
  let fits = true;
  for (const key of ['min', 'max'] as const) {
    const fraction = band[key].split('.')[1]?.replace(/0+$/, '').length ?? 0;
    if (fraction > decimals) {
      fits = false;
      yield {
        path: [...path, 'band', key],
        message: `has ${fraction} fractional digits; the feed has only ${decimals} decimals`,
      };
    }
  }
  const min = toFixedPoint(band.min, decimals);
  const max = toFixedPoint(band.max, decimals);
  if (fits && min !== undefined && max !== undefined && min >= max)
    yield { path: [...path, 'band', 'max'], message: `must be greater than band.min (${band.min})` };
}

function* feedFindings(s: SolutionFields): Generator<Finding> {
  const enabled = new Set(enabledSourceIds(s.priceAggregatorConfig.sources));
  const firstUse = {
    name: new Map<string, number>(),
    pair: new Map<string, number>(),
    contractAddress: new Map<string, number>(),
  };
  for (const [i, feed] of s.feeds.entries()) {
    const unique = { name: feed.name, pair: feed.pair, contractAddress: feed.contractAddress?.toLowerCase() };
    for (const key of ['name', 'pair', 'contractAddress'] as const) {
      const value = unique[key];
      if (value === undefined) continue;
      const first = firstUse[key].get(value);
      if (first !== undefined)
        yield { path: ['feeds', i, key], message: `duplicate ${key}: feeds[${first}] has the same` };
      else firstUse[key].set(value, i);
    }
    if (feed.minAnswer !== undefined && feed.maxAnswer !== undefined && feed.minAnswer >= feed.maxAnswer) {
      yield { path: ['feeds', i, 'maxAnswer'], message: 'must be greater than minAnswer' };
    }
    if (feed.guard) yield* guardFindings(feed.guard, feed.decimals, ['feeds', i, 'guard']);
    if (feed.sources) {
      yield* sourceListFindings(feed.sources, enabled, ['feeds', i, 'sources']);
      const j = s.priceAggregatorConfig.pairs.findIndex((entry) => entry.pair === feed.pair);
      const entry = s.priceAggregatorConfig.pairs[j];
      if (entry && !sameSourceList(feed.sources, entry.sources, feed.pair)) {
        yield {
          path: ['feeds', i, 'sources'],
          message: `differs from priceAggregatorConfig.pairs[${j}].sources; a pair is aggregated over one list of sources: list them in one place`,
        };
      }
    } else if (resolveFeedSources(feed, s.priceAggregatorConfig).length === 0) {
      yield {
        path: ['feeds', i, 'sources'],
        message: 'no source to observe: list sources here or enable some in priceAggregatorConfig.sources',
      };
    }
  }
}
