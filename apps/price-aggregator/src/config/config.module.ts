import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AggregatorConfig } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import { Clock, SystemClock } from '../clock.js';
import { AGGREGATOR_CONFIG, LOGGER } from './config.tokens.js';

export interface AggregatorRuntime {
  readonly config: AggregatorConfig;
  readonly logger: Logger;
  /** The clock of every service; the system clock unless a test brings its own. */
  readonly clock?: Clock;
}

/** Hands the validated configuration slice (secrets resolved), the logger and the clock to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(runtime: AggregatorRuntime): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AGGREGATOR_CONFIG, useValue: runtime.config },
        { provide: LOGGER, useValue: runtime.logger },
        { provide: Clock, useValue: runtime.clock ?? new SystemClock() },
      ],
      exports: [AGGREGATOR_CONFIG, LOGGER, Clock],
    };
  }
}
