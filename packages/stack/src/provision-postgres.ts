import pg from 'pg';
import { selectNodeConfig, type Configuration } from '@oracle/config';
import { sleep } from '@oracle/core';
import { ensureGeneratedSecret, type Owner } from './generated-secret.js';
import { scramSha256Verifier } from './scram.js';

export interface ProvisionOptions {
  /** Unix socket directory of the cluster; the superuser connects there (peer authentication). */
  readonly socketDir: string;
  readonly superuser?: string;
  /** Owner of generated password files (the node service user). */
  readonly secretOwner?: Owner;
  readonly readyTimeoutMs?: number;
  readonly log?: (message: string) => void;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (value: string): string => `'${value.replace(/'/g, "''")}'`;

async function connectWhenReady(config: pg.ClientConfig, timeoutMs: number): Promise<pg.Client> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client(config);
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`PostgreSQL not reachable: ${(error as Error).message}`);
      await sleep(250);
    }
  }
}

/**
 * One role and one database per node: role `<rolePrefix>_<i>` owns `<databasePrefix>_<i>`, and only
 * that role may connect to it (CONNECT revoked from PUBLIC). Passwords come from the configuration
 * or are generated into the node's secrets directory on first boot; the server only ever receives
 * SCRAM verifiers. Idempotent: safe on every boot.
 */
export async function provisionPostgres(cfg: Configuration, options: ProvisionOptions): Promise<void> {
  const log = options.log ?? (() => undefined);
  const client = await connectWhenReady(
    {
      host: options.socketDir,
      port: cfg.solution.postgres.port,
      user: options.superuser ?? 'postgres',
      database: 'postgres',
    },
    options.readyTimeoutMs ?? 60_000,
  );
  try {
    await client.query(`REVOKE ALL ON DATABASE postgres FROM PUBLIC`);
    for (let index = 1; index <= cfg.solution.totalNodes; index++) {
      const { database } = selectNodeConfig(cfg, index);
      const password =
        database.password.origin === 'configuration'
          ? database.password.secret.reveal()
          : await ensureGeneratedSecret(database.password.file, options.secretOwner);
      const verifier = quoteLiteral(scramSha256Verifier(password));
      const role = quoteIdent(database.role);
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [database.role]);
      await client.query(
        exists.rowCount
          ? `ALTER ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${verifier}`
          : `CREATE ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${verifier}`,
      );
      const db = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database.name]);
      if (!db.rowCount) await client.query(`CREATE DATABASE ${quoteIdent(database.name)} OWNER ${role}`);
      await client.query(`REVOKE ALL ON DATABASE ${quoteIdent(database.name)} FROM PUBLIC`);
      await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(database.name)} TO ${role}`);
      log(`node ${index}: role ${database.role} owns database ${database.name}`);
    }
  } finally {
    await client.end();
  }
}
