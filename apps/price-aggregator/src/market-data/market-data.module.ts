import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AggregatorConfig } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import { AGGREGATOR_CONFIG, LOGGER } from '../config/config.tokens.js';
import { HttpSourceRunner } from '../sources/http-source-runner.js';
import { SourceCatalog } from '../sources/source-catalog.js';
import { SourcesModule } from '../sources/sources.module.js';
import { CoingeckoGlobal } from './coingecko-global.js';
import { MarketDataController } from './market-data.controller.js';

@Module({
  imports: [SourcesModule],
  controllers: [MarketDataController],
  providers: [
    {
      provide: CoingeckoGlobal,
      useFactory: (
        config: AggregatorConfig,
        catalog: SourceCatalog,
        runner: HttpSourceRunner,
        logger: Logger,
      ) => {
        const settings = config.marketData.coingeckoGlobal;
        const coingecko = catalog.get('coingecko');
        const log = logger.child({ component: 'market-data' });
        if (settings.enabled && !coingecko?.enabled)
          log.warn('Global market data is enabled but the coingecko source is not usable; disabled');
        return new CoingeckoGlobal(
          settings.enabled && coingecko?.enabled ? coingecko : undefined,
          runner,
          settings.refreshIntervalMs,
          log,
        );
      },
      inject: [AGGREGATOR_CONFIG, SourceCatalog, HttpSourceRunner, LOGGER],
    },
  ],
})
export class MarketDataModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(CoingeckoGlobal) private readonly global: CoingeckoGlobal) {}

  onApplicationBootstrap(): void {
    this.global.start();
  }

  onApplicationShutdown(): void {
    this.global.stop();
  }
}
