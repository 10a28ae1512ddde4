/**
 * Up/down state of each source, from the outcome of its latest request: a source whose requests
 * fail is down (`source_availability` 0) until one succeeds again.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@oracle/logger';
import { LOGGER } from '../config/config.tokens.js';
import { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import type { SourceError, SourceId } from './price-source.js';
import { SourceCatalog } from './source-catalog.js';

export interface SourceStatus {
  readonly source: SourceId;
  readonly available: boolean;
  readonly lastSuccessAtMs: number | undefined;
  readonly lastFailureAtMs: number | undefined;
  readonly lastError: Pick<SourceError, 'kind' | 'message'> | undefined;
}

@Injectable()
export class SourceStatusBoard {
  private readonly states = new Map<SourceId, SourceStatus>();

  /** Every enabled source of `catalog` starts available. */
  constructor(
    @Inject(SourceCatalog) catalog: Pick<SourceCatalog, 'enabled'>,
    @Inject(AggregatorMetrics) private readonly metrics: AggregatorMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    for (const { id: source } of catalog.enabled()) {
      this.states.set(source, {
        source,
        available: true,
        lastSuccessAtMs: undefined,
        lastFailureAtMs: undefined,
        lastError: undefined,
      });
      metrics.sourceInUse(source);
    }
  }

  succeeded(source: SourceId, nowMs: number): void {
    const previous = this.states.get(source);
    if (previous && !previous.available) this.logger.info({ source }, 'Source is answering again');
    this.states.set(source, {
      source,
      available: true,
      lastSuccessAtMs: nowMs,
      lastFailureAtMs: previous?.lastFailureAtMs,
      lastError: previous?.lastError,
    });
    this.metrics.sourceAvailability.set({ source }, 1);
  }

  failed(source: SourceId, error: SourceError, nowMs: number): void {
    const previous = this.states.get(source);
    if (!previous || previous.available)
      this.logger.warn({ source, kind: error.kind, reason: error.message }, 'Source is down');
    this.states.set(source, {
      source,
      available: false,
      lastSuccessAtMs: previous?.lastSuccessAtMs,
      lastFailureAtMs: nowMs,
      lastError: { kind: error.kind, message: error.message },
    });
    this.metrics.sourceAvailability.set({ source }, 0);
  }

  isAvailable(source: SourceId): boolean {
    return this.states.get(source)?.available ?? false;
  }

  all(): SourceStatus[] {
    return [...this.states.values()];
  }
}
