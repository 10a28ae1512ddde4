/**
 * Test harness: the aggregator built in this process from a Nest testing module
 * (`Test.createTestingModule`), on a clock the test moves by hand, answered through Fastify's
 * `inject` (no port, no child process). For tests of timing (TTL, refetch, cleanup) that would
 * otherwise sleep; what needs the real process (signals, the run script, Node's parser) stays
 * with aggregator-process.ts.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { AggregatorConfig, PriceAggregatorConfigInput } from '@oracle/config';
import { createLogger } from '@oracle/logger';
import { sumSamples } from '@oracle/testing';
import { AppModule } from '../src/app.module.js';
import { PairCleanup } from '../src/cache/pair-cleanup.js';
import { RefreshScheduler } from '../src/cache/refresh-scheduler.js';
import { ManualClock } from '../src/clock.js';
import { testConfig } from '../src/config/fixtures/test-config.js';
import { configureHttpApp, httpAdapter } from '../src/http-app.js';

export interface InProcessAggregator {
  readonly clock: ManualClock;
  readonly app: NestFastifyApplication;
  get<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  /** The sum of a metric's samples whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Moves the clock and lets the refresh scheduler plan at once (its timer runs on real time). */
  advance(ms: number): void;
  /** One pass of pair cleanup at the clock's time. */
  cleanUp(): number;
  close(): Promise<void>;
}

export async function startInProcess(input: PriceAggregatorConfigInput): Promise<InProcessAggregator> {
  const clock = new ManualClock(Date.now());
  const config = testConfig(input) as AggregatorConfig;
  const logger = createLogger({ service: 'price-aggregator-test', level: 'silent' });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot({ config, logger, clock })],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(httpAdapter({ logger, clock }), {
    logger: false,
  });
  configureHttpApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const fastify = app.getHttpAdapter().getInstance();
  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const response = await fastify.inject({ method: 'GET', url: path });
    const json = (response.headers['content-type'] ?? '').includes('json');
    return { status: response.statusCode, body: (json ? response.json() : response.body) as T };
  };
  return {
    clock,
    app,
    get,
    async metric(name, labels = {}) {
      return sumSamples((await get<string>('/metrics')).body, name, labels);
    },
    advance(ms) {
      clock.advance(ms);
      app.get(RefreshScheduler).tick();
    },
    cleanUp: () => app.get(PairCleanup).run(),
    close: () => app.close(),
  };
}
