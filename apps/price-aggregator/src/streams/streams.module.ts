import { Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { StreamSupervisor } from './stream-supervisor.js';

@Module({
  imports: [CacheModule],
  providers: [StreamSupervisor],
  exports: [StreamSupervisor],
})
export class StreamsModule {}
