/**
 * The process-metrics exporter process: load configuration.json, sample every s6 service under
 * $SCAN_DIR (default /run/service), serve /metrics and /healthz, push, then tell s6 it is ready.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadConfiguration, PROCESS_METRICS_SECRETS, selectProcessMetricsConfig } from '@oracle/config';
import { notifyReady } from '@oracle/core';
import { createLogger } from '@oracle/logger';
import { startProcessMetrics, type ProcessMetricsSettings } from './app.js';

const SERVICE = 'process-metrics';
const DEFAULT_SCAN_DIR = '/run/service';

/** Kernel clock ticks per second; 100 on every Linux we run on, asked anyway. */
async function clockTicksPerSecond(): Promise<number> {
  try {
    const { stdout } = await promisify(execFile)('getconf', ['CLK_TCK']);
    const ticks = Number(stdout.trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

async function loadSettings(): Promise<ProcessMetricsSettings> {
  const config = selectProcessMetricsConfig(await loadConfiguration({ secrets: PROCESS_METRICS_SECRETS }));
  // The s6 run script sets SCAN_DIR; the local runner points it at its own scan directory.
  return { ...config, scanDir: process.env.SCAN_DIR || DEFAULT_SCAN_DIR };
}

async function main(): Promise<void> {
  const logger = createLogger({ service: SERVICE });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'Unhandled promise rejection; exiting');
    process.exit(1);
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'Uncaught exception; exiting');
    process.exit(1);
  });

  const settings = await loadSettings().catch((error: unknown) => {
    logger.fatal({ reason: (error as Error).message }, 'Configuration is invalid');
    process.exit(1);
  });

  const app = await startProcessMetrics({
    settings,
    logger,
    clockTicksPerSecond: await clockTicksPerSecond(),
    onGiveUp: (error) => {
      logger.fatal(
        { err: error, maxSampleFailures: settings.maxSampleFailures },
        'Sampling keeps failing; exiting',
      );
      process.exit(1);
    },
  });
  notifyReady();

  const shutdown = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'Stopping');
    void app.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

void main();
