import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Clock } from '../clock.js';
import { HealthService, type HealthReport } from './health.service.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    @Inject(HealthService) private readonly health: HealthService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** The reference's startup probe: Chainlink nodes wait for it before starting. */
  @Get()
  @ApiOperation({ summary: "The reference's startup probe" })
  root(): { message: string; timestamp: string } {
    return { message: 'Price Proxy Service is running', timestamp: this.clock.iso() };
  }

  /** 200 when ready (every configured pair has a fresh aggregate), else 503; the body explains either way. */
  @Get('health')
  @ApiOperation({ summary: '200 when every configured pair has a fresh aggregate, else 503' })
  report(@Res({ passthrough: true }) res: FastifyReply): HealthReport {
    const report = this.health.report();
    void res.code(report.ready ? 200 : 503);
    return report;
  }

  /** Liveness only: answers 200 whenever the process serves HTTP. */
  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: 200 while the process serves' })
  live(): { status: 'alive'; timestamp: string } {
    return { status: 'alive', timestamp: this.clock.iso() };
  }
}
