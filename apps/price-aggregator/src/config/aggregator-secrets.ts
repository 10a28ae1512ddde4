import type { Secret } from '@oracle/config';
import type { SourceId } from '../sources/price-source.js';

/** The secrets the aggregator uses, already resolved from their references at start. */
export interface AggregatorSecrets {
  /** API key of a source, when one is configured. */
  apiKey(source: SourceId): Secret | undefined;
  /** The global proxy URL (it may carry credentials), when configured. */
  readonly proxy: Secret | undefined;
}
