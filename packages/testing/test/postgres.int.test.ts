import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type RunningPostgres } from '../src/postgres.js';

const run = promisify(execFile);

async function sql(pg: RunningPostgres, database: string, query: string): Promise<string> {
  const { stdout } = await run('psql', [
    pg.connectionString(database),
    '-XtA',
    '-v',
    'ON_ERROR_STOP=1',
    '-c',
    query,
  ]);
  return stdout.trim();
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('startPostgres', () => {
  let pg: RunningPostgres;

  beforeAll(async () => {
    pg = await startPostgres({ databases: ['node_1', 'node_2'] });
  });

  afterAll(async () => {
    await pg?.stop();
  });

  it('listens on loopback with the requested databases, not as root', async () => {
    expect(pg.host).toBe('127.0.0.1');
    expect(await sql(pg, 'node_1', 'select current_database()')).toBe('node_1');
    expect(await sql(pg, 'node_2', 'select current_database()')).toBe('node_2');
    expect(await sql(pg, 'postgres', "select setting from pg_settings where name = 'listen_addresses'")).toBe(
      '127.0.0.1',
    );
    const owner = await run('ps', ['-o', 'user=', '-C', 'postgres']);
    expect(owner.stdout).not.toMatch(/^root$/m);
    expect(existsSync(`${pg.socketDir}/.s.PGSQL.${pg.port}`)).toBe(true);
  });

  it('keeps data across restart() on the same port', async () => {
    await sql(pg, 'node_1', 'create table kept (v int); insert into kept values (42)');
    await pg.restart();
    expect(await sql(pg, 'node_1', 'select v from kept')).toBe('42');
  });

  it('stop() shuts the server down and removes its directory', async () => {
    const other = await startPostgres();
    const dir = other.socketDir.replace(/\/socket$/, '');
    expect(await canConnect(other.port)).toBe(true);
    await other.stop();
    expect(await canConnect(other.port)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});
