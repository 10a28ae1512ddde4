import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AppExceptionFilter } from './app-exception.filter.js';
import { ConfigModule, type AggregatorRuntime } from './config/config.module.js';
import { HealthModule } from './health/health.module.js';
import { MarketDataModule } from './market-data/market-data.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { QuotesModule } from './quotes/quotes.module.js';
import { StreamsModule } from './streams/streams.module.js';
import { WsModule } from './ws/ws.module.js';

@Module({})
export class AppModule {
  static forRoot(runtime: AggregatorRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(runtime),
        ScheduleModule.forRoot(),
        MetricsModule,
        QuotesModule,
        StreamsModule,
        HealthModule,
        MarketDataModule,
        WsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AppExceptionFilter }],
    };
  }
}
