/**
 * The price aggregator process: load and validate configuration.json (CONFIG_PATH, default
 * /sp/configurations/configuration.json), start the Nest application on the configured address,
 * then tell the supervisor it is ready. SIGTERM closes it gracefully.
 */
import 'reflect-metadata';
import {
  AGGREGATOR_SECRETS,
  ConfigurationError,
  loadConfiguration,
  selectAggregatorConfig,
  type AggregatorConfig,
} from '@oracle/config';
import { notifyReady } from '@oracle/core';
import { createLogger } from '@oracle/logger';
import { createHttpApp } from './http-app.js';

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

  const app = await createHttpApp({ config, logger });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen({ port: config.port, host: config.host });
  logger.info(
    { host: config.host, port: config.port, environment: config.environment },
    'Price aggregator listening',
  );
  notifyReady();
}

void main();
