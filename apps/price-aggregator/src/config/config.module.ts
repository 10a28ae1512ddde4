import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AggregatorConfig } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import { AGGREGATOR_CONFIG, LOGGER } from './config.tokens.js';

export interface AggregatorRuntime {
  readonly config: AggregatorConfig;
  readonly logger: Logger;
}

/** Hands the validated configuration slice (secrets resolved) and the logger to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(runtime: AggregatorRuntime): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AGGREGATOR_CONFIG, useValue: runtime.config },
        { provide: LOGGER, useValue: runtime.logger },
      ],
      exports: [AGGREGATOR_CONFIG, LOGGER],
    };
  }
}
