import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { PriceAggregatorConfigParsed } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import type { AggregatorSecrets } from './aggregator-secrets.js';
import { AGGREGATOR_CONFIG, AGGREGATOR_SECRETS, LOGGER } from './config.tokens.js';

export interface AggregatorRuntime {
  readonly config: PriceAggregatorConfigParsed;
  readonly secrets: AggregatorSecrets;
  readonly logger: Logger;
}

/** Hands the validated configuration slice, the resolved secrets and the logger to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(runtime: AggregatorRuntime): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AGGREGATOR_CONFIG, useValue: runtime.config },
        { provide: AGGREGATOR_SECRETS, useValue: runtime.secrets },
        { provide: LOGGER, useValue: runtime.logger },
      ],
      exports: [AGGREGATOR_CONFIG, AGGREGATOR_SECRETS, LOGGER],
    };
  }
}
