/**
 * Which sources answer for a pair, and under which symbol: the configured `pairs[]` entry (with
 * per-source symbol overrides such as binance BTC/USDT for BTC/USD), else every enabled source
 * that supports the pair. Also the aggregation policy of each pair.
 */
import type { AggregatorConfig } from '@oracle/config';
import type { AggregationPolicy } from '../aggregation/aggregate.js';
import { quoteSlot, type QuoteSlot } from '../cache/quote-cache.js';
import { pairKey, type Pair } from '../sources/price-source.js';
import type { SourceCatalog, SourceSettings } from '../sources/source-catalog.js';

export interface PairRoute {
  readonly source: SourceSettings;
  /** The pair as asked of this source. */
  readonly symbol: Pair;
  /** Where this source's quote of `symbol` is cached and registered. */
  readonly slot: QuoteSlot;
}

type ConfiguredPair = AggregatorConfig['pairs'][number];

/** Routes are remembered per pair (the configuration does not change); past this many pairs the memory starts over. */
const MAX_REMEMBERED_PAIRS = 10_000;

export class PairRoutes {
  private readonly configured: ReadonlyMap<string, ConfiguredPair>;
  private readonly remembered = new Map<string, readonly PairRoute[]>();

  constructor(
    private readonly config: AggregatorConfig,
    private readonly catalog: SourceCatalog,
  ) {
    this.configured = new Map(config.pairs.map((p) => [p.pair, p]));
  }

  routes(pair: Pair): readonly PairRoute[] {
    const key = pairKey(pair);
    let routes = this.remembered.get(key);
    if (!routes) {
      if (this.remembered.size >= MAX_REMEMBERED_PAIRS) this.remembered.clear();
      routes = this.resolve(pair);
      this.remembered.set(key, routes);
    }
    return routes;
  }

  private resolve(pair: Pair): PairRoute[] {
    const route = (source: SourceSettings, symbol: Pair): PairRoute => ({
      source,
      symbol,
      slot: quoteSlot(source.id, symbol),
    });
    const entry = this.configured.get(pairKey(pair));
    if (!entry) {
      return this.catalog
        .enabled()
        .filter((s) => s.http.supports(pair))
        .map((source) => route(source, pair));
    }
    return entry.sources.flatMap((ref) => {
      const { source: id, symbol } = typeof ref === 'string' ? { source: ref, symbol: undefined } : ref;
      const source = this.catalog.get(id);
      return source?.enabled ? [route(source, symbol ? (parsePair(symbol) ?? pair) : pair)] : [];
    });
  }

  policy(pair: Pair): AggregationPolicy {
    const entry = this.configured.get(pairKey(pair));
    return {
      minSources: entry?.minSources ?? this.config.aggregation.minSources,
      maxDeviationPpb: entry?.maxDeviationPpb ?? this.config.aggregation.maxDeviationPpb,
    };
  }

  configuredPairs(): Pair[] {
    return [...this.configured.keys()].flatMap((key) => parsePair(key) ?? []);
  }
}

const SYMBOL = /^[A-Za-z0-9._-]{1,30}$/;

/** "BTC/USD" or "BTC-USD" (when neither symbol contains a dash) → upper-case Pair; undefined if malformed. */
export function parsePair(text: string): Pair | undefined {
  const parts = text.includes('/') ? text.split('/') : text.split('-');
  if (parts.length !== 2) return undefined;
  const [base, quote] = parts as [string, string];
  return symbolPair(base, quote);
}

/** Two symbols → upper-case Pair; undefined if either is malformed. */
export function symbolPair(base: string, quote: string): Pair | undefined {
  return SYMBOL.test(base) && SYMBOL.test(quote)
    ? { base: base.toUpperCase(), quote: quote.toUpperCase() }
    : undefined;
}
