/**
 * The price aggregator process: read and validate the configuration, start the Nest application on
 * the configured address, then tell the supervisor it is ready. SIGTERM closes it gracefully.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { notifyReady } from '@oracle/core';
import { createLogger } from '@oracle/logger';
import { AppModule } from './app.module.js';
import { readAggregatorConfig } from './config/read-aggregator-config.js';
import { PinoNestLogger } from './nest-logger.js';

const SERVICE = 'price-aggregator';

async function main(): Promise<void> {
  const configPath = process.env.CONFIG_PATH ?? '/sp/configurations/configuration.json';
  let loaded: ReturnType<typeof readAggregatorConfig>;
  try {
    loaded = readAggregatorConfig(configPath);
  } catch (error) {
    createLogger({ service: SERVICE }).fatal(
      { configPath, reason: (error as Error).message },
      'Configuration is invalid',
    );
    process.exit(1);
  }
  const { config, secrets } = loaded;
  const logger = createLogger({ service: SERVICE, level: config.logger.level });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'Unhandled promise rejection; exiting');
    process.exit(1);
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'Uncaught exception; exiting');
    process.exit(1);
  });

  const app = await NestFactory.create(AppModule.forRoot({ config, secrets, logger }), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(config.port, config.host);
  logger.info(
    { host: config.host, port: config.port, environment: config.environment },
    'Price aggregator listening',
  );
  notifyReady();
}

void main();
