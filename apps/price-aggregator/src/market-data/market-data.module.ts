import { Module } from '@nestjs/common';
import { SourcesModule } from '../sources/sources.module.js';
import { CoingeckoGlobal } from './coingecko-global.js';
import { MarketDataController } from './market-data.controller.js';

@Module({
  imports: [SourcesModule],
  controllers: [MarketDataController],
  providers: [CoingeckoGlobal],
})
export class MarketDataModule {}
