/**
 * Liveness and readiness: the process is live while it serves; it is ready when every configured
 * pair has a fresh aggregate. Reports each source's availability and stream state.
 */
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../clock.js';
import { QuotesService } from '../quotes/quotes.service.js';
import { PairRoutes } from '../quotes/pair-routes.js';
import { pairKey, type SourceId } from '../sources/price-source.js';
import { SourceCatalog } from '../sources/source-catalog.js';
import { SourceStatusBoard } from '../sources/source-status.js';
import { StreamSupervisor } from '../streams/stream-supervisor.js';

export interface HealthReport {
  readonly status: 'ready' | 'not_ready';
  readonly live: true;
  readonly ready: boolean;
  readonly timestamp: string;
  readonly uptimeSeconds: number;
  readonly pairs: Record<
    string,
    { readonly fresh: boolean; readonly contributors: readonly SourceId[]; readonly error?: string }
  >;
  readonly sources: ReadonlyArray<{
    readonly source: SourceId;
    readonly enabled: boolean;
    readonly available: boolean;
    readonly stream: 'open' | 'closed' | 'none';
    readonly lastSuccessAt?: string;
    readonly lastError?: string;
    readonly disabledReason?: string;
  }>;
}

@Injectable()
export class HealthService {
  private readonly startedAtMs: number;

  constructor(
    @Inject(PairRoutes) private readonly routes: PairRoutes,
    @Inject(QuotesService) private readonly quotes: QuotesService,
    @Inject(SourceCatalog) private readonly catalog: SourceCatalog,
    @Inject(SourceStatusBoard) private readonly status: SourceStatusBoard,
    @Inject(StreamSupervisor) private readonly streams: StreamSupervisor,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.startedAtMs = clock.now();
  }

  report(): HealthReport {
    const pairs = Object.fromEntries(
      this.routes.configuredPairs().map((pair) => {
        const aggregate = this.quotes.cachedAggregate(pair);
        const fresh = aggregate.price !== undefined;
        return [
          pairKey(pair),
          {
            fresh,
            contributors: aggregate.contributors,
            ...(aggregate.error ? { error: aggregate.error } : {}),
          },
        ];
      }),
    );
    const ready = Object.values(pairs).every((p) => p.fresh);
    const open = new Set(this.streams.openStreams());
    const statuses = new Map(this.status.all().map((s) => [s.source, s]));
    const sources = this.catalog.all().map((source) => {
      const state = statuses.get(source.id);
      return {
        source: source.id,
        enabled: source.enabled,
        available: source.enabled && (state?.available ?? false),
        stream:
          !source.enabled || !source.stream
            ? ('none' as const)
            : open.has(source.id)
              ? ('open' as const)
              : ('closed' as const),
        ...(state?.lastSuccessAtMs === undefined
          ? {}
          : { lastSuccessAt: new Date(state.lastSuccessAtMs).toISOString() }),
        ...(state?.lastError && !state.available ? { lastError: state.lastError.message } : {}),
        ...(source.disabledReason ? { disabledReason: source.disabledReason } : {}),
      };
    });
    return {
      status: ready ? 'ready' : 'not_ready',
      live: true,
      ready,
      timestamp: this.clock.iso(),
      uptimeSeconds: Math.round((this.clock.now() - this.startedAtMs) / 1000),
      pairs,
      sources,
    };
  }
}
