import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pool } from 'pg';

/**
 * The migrations folder of this package. Resolved from the package root, so the compiled
 * dist/adapters/*.js and the sources under test find the same .sql files (tsc does not copy them).
 */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../src/adapters/migrations/', import.meta.url));

/** pg_advisory_xact_lock key serialising migrations of concurrent starts ("sporacle" in ASCII). */
const MIGRATION_LOCK_KEY = 0x73706f7261636c65n;
const FILE_NAME = /^(\d{4}_[a-z0-9_]+)\.sql$/;

export interface Migration {
  readonly version: string;
  readonly sql: string;
  readonly checksum: string;
}

/** The `NNNN_name.sql` files of a folder, in version order. */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => FILE_NAME.test(name)).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name), 'utf8');
      return {
        version: name.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    }),
  );
}

/**
 * Applies the migrations not yet in `schema_migrations`, all in one transaction under an advisory
 * lock, so concurrent starts apply each exactly once and a failure leaves nothing half done.
 * Refuses to run if an applied migration's file has changed since. Returns the versions applied.
 */
export async function migrate(pool: Pool, migrations: readonly Migration[]): Promise<string[]> {
  const client = await pool.connect();
  let broken = false;
  // A checked-out client has no pool listener: a connection lost meanwhile (server restart) is
  // emitted as 'error' here, and an 'error' without a listener would crash the process. The
  // query in flight fails with it as well, so the migration fails and is retried by the caller.
  const onError = (): void => {
    broken = true;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    text PRIMARY KEY,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: string; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations',
    );
    const applied = new Map(rows.map((r) => [r.version, r.checksum]));
    const newlyApplied: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.version);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum)
          throw new Error(`migration ${migration.version} changed after it was applied`);
        continue;
      }
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)', [
        migration.version,
        migration.checksum,
      ]);
      newlyApplied.push(migration.version);
    }
    await client.query('COMMIT');
    return newlyApplied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.off('error', onError);
    // A client whose connection was lost (or whose ROLLBACK failed) is discarded, not pooled.
    client.release(broken);
  }
}
