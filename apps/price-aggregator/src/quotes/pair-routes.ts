/**
 * Which sources answer for a pair, and under which symbol: the configured `pairs[]` entry (with
 * per-source symbol overrides such as binance BTC/USDT for BTC/USD; every feed's pair has one, see
 * `selectAggregatorConfig`), else every enabled source that supports the pair. A listed source that
 * is disabled, or whose definition cannot quote the symbol at all, is left out. Also the
 * aggregation policy of each pair.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { AggregatorConfig } from '@oracle/config';
import type { AggregationPolicy } from '../aggregation/aggregate.js';
import { quoteSlot, type QuoteSlot } from '../cache/quote-cache.js';
import { pairKey, type Pair } from '../sources/price-source.js';
import { AGGREGATOR_CONFIG } from '../config/config.tokens.js';
import { SourceCatalog, type SourceSettings } from '../sources/source-catalog.js';

export interface PairRoute {
  readonly source: SourceSettings;
  /** The pair as asked of this source. */
  readonly symbol: Pair;
  /** Where this source's quote of `symbol` is cached and registered. */
  readonly slot: QuoteSlot;
}

type ConfiguredPair = AggregatorConfig['pairs'][number];

@Injectable()
export class PairRoutes {
  private readonly configured: ReadonlyMap<string, ConfiguredPair>;
  /** The routes of every configured pair, resolved once (the configuration does not change). */
  private readonly configuredRoutes: ReadonlyMap<string, readonly PairRoute[]>;

  constructor(
    @Inject(AGGREGATOR_CONFIG) private readonly config: AggregatorConfig,
    @Inject(SourceCatalog) private readonly catalog: SourceCatalog,
  ) {
    this.configured = new Map(config.pairs.map((p) => [p.pair, p]));
    this.configuredRoutes = new Map(
      [...this.configured.keys()].flatMap((key) => {
        const pair = parsePair(key);
        return pair ? [[key, this.resolve(pair)] as const] : [];
      }),
    );
  }

  /** Whether a `pairs[]` entry (or a feed) configures the pair. */
  isConfigured(pair: Pair): boolean {
    return this.configured.has(pairKey(pair));
  }

  /** The pair's routes; an ad-hoc pair's are resolved on each call, so no request can grow a memory here. */
  routes(pair: Pair): readonly PairRoute[] {
    return this.configuredRoutes.get(pairKey(pair)) ?? this.resolve(pair);
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
      const asked = symbol ? (parsePair(symbol) ?? pair) : pair;
      return source?.enabled && source.http.supports(asked) ? [route(source, asked)] : [];
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
