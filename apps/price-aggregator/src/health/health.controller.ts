import { Controller, Get, Inject, Res } from '@nestjs/common';
import { HealthService, type HealthReport } from './health.service.js';

interface StatusResponse {
  status(code: number): unknown;
}

@Controller()
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  /** The reference's startup probe: Chainlink nodes wait for it before starting. */
  @Get()
  root(): { message: string; timestamp: string } {
    return { message: 'Price Proxy Service is running', timestamp: new Date().toISOString() };
  }

  /** 200 when ready (every configured pair has a fresh aggregate), else 503; the body explains either way. */
  @Get('health')
  report(@Res({ passthrough: true }) res: StatusResponse): HealthReport {
    const report = this.health.report();
    res.status(report.ready ? 200 : 503);
    return report;
  }

  /** Liveness only: answers 200 whenever the process serves HTTP. */
  @Get('health/live')
  live(): { status: 'alive'; timestamp: string } {
    return { status: 'alive', timestamp: new Date().toISOString() };
  }
}
