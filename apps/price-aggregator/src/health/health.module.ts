import { Module } from '@nestjs/common';
import { PairRoutes } from '../quotes/pair-routes.js';
import { QuotesModule } from '../quotes/quotes.module.js';
import { QuotesService } from '../quotes/quotes.service.js';
import { SourceCatalog } from '../sources/source-catalog.js';
import { SourceStatusBoard } from '../sources/source-status.js';
import { StreamSupervisor } from '../streams/stream-supervisor.js';
import { StreamsModule } from '../streams/streams.module.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

@Module({
  imports: [QuotesModule, StreamsModule],
  controllers: [HealthController],
  providers: [
    {
      provide: HealthService,
      useFactory: (
        routes: PairRoutes,
        quotes: QuotesService,
        catalog: SourceCatalog,
        status: SourceStatusBoard,
        streams: StreamSupervisor,
      ) => new HealthService(routes, quotes, catalog, status, streams),
      inject: [PairRoutes, QuotesService, SourceCatalog, SourceStatusBoard, StreamSupervisor],
    },
  ],
})
export class HealthModule {}
