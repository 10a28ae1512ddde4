import { Module } from '@nestjs/common';
import { QuotesModule } from '../quotes/quotes.module.js';
import { PriceFeed } from './price-feed.js';

@Module({
  imports: [QuotesModule],
  providers: [PriceFeed],
})
export class WsModule {}
