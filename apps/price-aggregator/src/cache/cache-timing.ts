/**
 * How long a quote lives and when it is refetched, from the configuration:
 * TTL = `pairsTtl` for (pair, source) > `pairsTtl` for the pair > `sources.<id>.ttlMs` > `cache.defaultTtlMs`;
 * refetch lead = `sources.<id>.staleTriggerBeforeExpiry` > `refetch.staleTriggerBeforeExpiry`,
 * at most half the TTL so a short-lived entry is not refetched the moment it arrives.
 */
import { Inject, Injectable } from '@nestjs/common';
import { SOURCE_CONFIG_KEYS, type AggregatorConfig } from '@oracle/config';
import { AGGREGATOR_CONFIG } from '../config/config.tokens.js';
import { pairKey, type Pair, type SourceId } from '../sources/price-source.js';

@Injectable()
export class CacheTiming {
  constructor(@Inject(AGGREGATOR_CONFIG) private readonly config: AggregatorConfig) {}

  ttlMs(source: SourceId, pair: Pair): number {
    const key = pairKey(pair);
    const matches = this.config.pairsTtl.filter((p) => p.pair === key);
    return (
      matches.find((p) => p.source === source)?.ttlMs ??
      matches.find((p) => p.source === undefined)?.ttlMs ??
      this.config.sources[SOURCE_CONFIG_KEYS[source]].ttlMs ??
      this.config.cache.defaultTtlMs
    );
  }

  refetchLeadMs(source: SourceId, pair: Pair): number {
    const configured =
      this.config.sources[SOURCE_CONFIG_KEYS[source]].staleTriggerBeforeExpiry ??
      this.config.refetch.staleTriggerBeforeExpiry;
    return Math.min(configured, Math.floor(this.ttlMs(source, pair) / 2));
  }
}
