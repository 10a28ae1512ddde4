/**
 * The aggregator as a Nest application on Fastify: what main.ts starts, and what tests build
 * in-process from a testing module (`httpAdapter` + `configureHttpApp`). See
 * docs/adr/0001-aggregator-http.md for why Fastify.
 */
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { Clock, SystemClock } from './clock.js';
import type { AggregatorRuntime } from './config/config.module.js';
import { LOGGER } from './config/config.tokens.js';
import { httpServerOptions, refuseMalformedTargets } from './http-guard.js';
import { AggregatorMetrics } from './metrics/aggregator-metrics.js';
import { countHttpRequests } from './metrics/http-metrics.js';
import { NestJsonLogger } from './nest-logger.js';

/** Where the OpenAPI page is served (`/api`; the document itself at `/api-json`). */
export const OPENAPI_PATH = 'api';

/** The Fastify adapter, shaped by http-guard.ts (body limit, request targets, Node's parse errors). */
export function httpAdapter({ logger, clock }: Pick<AggregatorRuntime, 'logger' | 'clock'>): FastifyAdapter {
  return new FastifyAdapter(
    httpServerOptions(logger.child({ component: 'http' }), clock ?? new SystemClock()),
  );
}

/** Before `listen`/`init`: malformed targets refused, every request counted, the OpenAPI page (built when first asked for). */
export function configureHttpApp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  refuseMalformedTargets(fastify, app.get(LOGGER).child({ component: 'http' }), app.get(Clock));
  countHttpRequests(fastify, app.get(AggregatorMetrics));
  // Built on the first request for it, not at start: built eagerly, its garbage raised V8's first
  // old-generation limit so far that the process idled ~30 MiB higher (measured, docs/adr/0001).
  const document = (): OpenAPIObject =>
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('price aggregator')
        .setDescription(
          'Cached prices of the exchange and market APIs, and their cross-source aggregates, for the oracle nodes.',
        )
        .build(),
    );
  SwaggerModule.setup(OPENAPI_PATH, app, document);
}

/** The application of `runtime`, configured, not listening yet. */
export async function createHttpApp(runtime: AggregatorRuntime): Promise<NestFastifyApplication> {
  const withClock = { ...runtime, clock: runtime.clock ?? new SystemClock() };
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(withClock),
    httpAdapter(withClock),
    { logger: new NestJsonLogger(runtime.logger.child({ component: 'nest' })) },
  );
  configureHttpApp(app);
  return app;
}
