import { Module } from '@nestjs/common';
import { QuotesModule } from '../quotes/quotes.module.js';
import { StreamsModule } from '../streams/streams.module.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

@Module({
  imports: [QuotesModule, StreamsModule],
  controllers: [HealthController],
  providers: [HealthService],
})
export class HealthModule {}
