#!/usr/bin/env node
/** postgres-init oneshot: roles, databases and connect privileges for every node. */
import { ConfigurationError, loadConfiguration } from '@oracle/config';
import { provisionPostgres } from '../provision-postgres.js';
import { systemUser } from '../system-user.js';

const log = (level: string, msg: string): void => {
  process.stderr.write(
    `${JSON.stringify({ level, time: new Date().toISOString(), service: 'postgres-init', msg })}\n`,
  );
};

try {
  const cfg = await loadConfiguration();
  await provisionPostgres(cfg, {
    socketDir: process.env.PG_SOCKET_DIR ?? '/run/postgresql',
    secretOwner: systemUser('oracle-node'),
    log: (msg) => log('info', msg),
  });
} catch (error) {
  log(
    'error',
    error instanceof ConfigurationError ? error.message : `provisioning failed: ${(error as Error).message}`,
  );
  process.exit(1);
}
