import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { AdHocPairs } from './ad-hoc-pairs.js';
import { PairRoutes } from './pair-routes.js';
import { QuotesController } from './quotes.controller.js';
import { QuotesService } from './quotes.service.js';

@Module({
  imports: [CacheModule],
  controllers: [QuotesController],
  providers: [PairRoutes, AdHocPairs, QuotesService],
  exports: [CacheModule, PairRoutes, QuotesService],
})
export class QuotesModule implements OnModuleInit {
  constructor(@Inject(QuotesService) private readonly quotes: QuotesService) {}

  /** Configured pairs are registered before anything starts, so the first refresh plan fetches them. */
  onModuleInit(): void {
    this.quotes.registerConfiguredPairs();
  }
}
