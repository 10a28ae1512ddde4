import type { Server } from 'node:http';
import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AggregatorConfig } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import { QuoteCache } from '../cache/quote-cache.js';
import { AGGREGATOR_CONFIG, LOGGER } from '../config/config.tokens.js';
import { PairRoutes } from '../quotes/pair-routes.js';
import { QuotesModule } from '../quotes/quotes.module.js';
import { QuotesService } from '../quotes/quotes.service.js';
import { PriceFeed } from './price-feed.js';

@Module({
  imports: [QuotesModule],
  providers: [
    {
      provide: PriceFeed,
      useFactory: (
        quotes: QuotesService,
        routes: PairRoutes,
        cache: QuoteCache,
        config: AggregatorConfig,
        logger: Logger,
      ) =>
        new PriceFeed({
          quotes,
          routes,
          cache,
          keepAliveMs: Math.max(1_000, Math.floor(config.pairCleanup.inactiveTimeoutMs / 2)),
          logger: logger.child({ component: 'ws-feed' }),
        }),
      inject: [QuotesService, PairRoutes, QuoteCache, AGGREGATOR_CONFIG, LOGGER],
    },
  ],
})
export class WsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(PriceFeed) private readonly feed: PriceFeed,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    this.feed.attach(this.adapterHost.httpAdapter.getHttpServer() as Server);
  }

  onApplicationShutdown(): void {
    this.feed.close();
  }
}
