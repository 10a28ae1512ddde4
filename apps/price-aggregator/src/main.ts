/**
 * The price aggregator process: load and validate configuration.json (CONFIG_PATH, default
 * /sp/configurations/configuration.json), start the Nest application on the configured address,
 * then tell the supervisor it is ready. SIGTERM closes it gracefully.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  AGGREGATOR_SECRETS,
  ConfigurationError,
  loadConfiguration,
  selectAggregatorConfig,
  type AggregatorConfig,
} from '@oracle/config';
import { notifyReady } from '@oracle/core';
import { createLogger } from '@oracle/logger';
import { AppModule } from './app.module.js';
import { guardHttpServer, MAX_REQUEST_BODY_BYTES } from './http-guard.js';
import { NestJsonLogger } from './nest-logger.js';
import { HotRoutes, serveHotRoutesFirst } from './quotes/hot-routes.js';

const SERVICE = 'price-aggregator';

async function main(): Promise<void> {
  let config: AggregatorConfig;
  try {
    config = selectAggregatorConfig(await loadConfiguration({ secrets: AGGREGATOR_SECRETS }));
  } catch (error) {
    const problems =
      error instanceof ConfigurationError
        ? error.problems
        : [{ path: '', message: (error as Error).message }];
    createLogger({ service: SERVICE }).fatal({ problems }, 'Configuration cannot be used');
    process.exit(1);
  }
  const logger = createLogger({ service: SERVICE, level: config.logger.level });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'Unhandled promise rejection; exiting');
    process.exit(1);
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'Uncaught exception; exiting');
    process.exit(1);
  });

  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, logger }), {
    logger: new NestJsonLogger(logger.child({ component: 'nest' })),
  });
  app.set('etag', false); // answers change every few seconds; hashing each one is wasted work
  app.useBodyParser('json', { limit: MAX_REQUEST_BODY_BYTES });
  serveHotRoutesFirst(app.getHttpServer(), app.get(HotRoutes));
  guardHttpServer(app.getHttpServer(), logger.child({ component: 'http' }));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(config.port, config.host);
  logger.info(
    { host: config.host, port: config.port, environment: config.environment },
    'Price aggregator listening',
  );
  notifyReady();
}

void main();
