import { execFile } from 'node:child_process';
import { chown, mkdir, readdir, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { spawnService, type RunningService } from './spawn-service.js';
import { makeTempDir } from './temp-dir.js';

const run = promisify(execFile);

/** PostgreSQL refuses to run as root; as root, the starter runs it as this user. */
const POSTGRES_USER = 'postgres';
const SUPERUSER = 'postgres';

export interface PostgresOptions {
  /** Databases created once the server is up. */
  readonly databases?: readonly string[];
}

export interface RunningPostgres {
  readonly host: string;
  readonly port: number;
  /** Unix socket directory (inside the temp dir). */
  readonly socketDir: string;
  /** postgresql://user[:password]@127.0.0.1:port/db. Authentication is `trust`: any password is accepted. */
  connectionString(database: string, user?: string, password?: string): string;
  output(): string;
  /** Fast shutdown, then a fresh server on the same port and data directory. */
  restart(): Promise<void>;
  /** Fast shutdown only: the port stays closed until start() (an outage of any length). */
  shutdown(): Promise<void>;
  /** After shutdown(): the server again on the same port and data directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Fast shutdown and removal of the data directory. */
  stop(): Promise<void>;
}

/** The bin directory of the PostgreSQL on this machine: the one `initdb` on PATH belongs to, else the newest under /usr/lib/postgresql. */
async function postgresBinDir(): Promise<string> {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    try {
      return dirname(await realpath(join(dir, 'initdb')));
    } catch {
      // Not in this PATH entry.
    }
  }
  const versions = (await readdir('/usr/lib/postgresql').catch(() => []))
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  const newest = versions[0];
  if (!newest)
    throw new Error(
      'PostgreSQL not found: no initdb on PATH and nothing under /usr/lib/postgresql (see scripts/setup.sh)',
    );
  return join('/usr/lib/postgresql', newest, 'bin');
}

/**
 * initdb into a temp dir and runs `postgres` on 127.0.0.1 and a free port, with `trust` auth,
 * durability turned off for speed, and its unix socket inside the temp dir. Runs as the
 * `postgres` user when the test runs as root.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<RunningPostgres> {
  const bin = await postgresBinDir();
  const dir = await makeTempDir('postgres');
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? POSTGRES_USER : undefined;
  const dataDir = join(dir.path, 'data');
  const socketDir = join(dir.path, 'socket');
  let server: RunningService | undefined;
  try {
    await mkdir(socketDir);
    if (asRoot) {
      const { stdout } = await run('id', ['-u', POSTGRES_USER]);
      const { stdout: gid } = await run('id', ['-g', POSTGRES_USER]);
      await chown(dir.path, Number(stdout.trim()), Number(gid.trim()));
      await chown(socketDir, Number(stdout.trim()), Number(gid.trim()));
    }
    const initdb = await spawnService(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
      { name: 'initdb', user },
    );
    const initExit = await initdb.exited;
    if (initExit.code !== 0) throw new Error(`initdb failed (exit ${initExit.code}):\n${initdb.output()}`);

    const port = await freePort();
    const host = '127.0.0.1';
    const start = (): Promise<RunningService> =>
      spawnService(
        join(bin, 'postgres'),
        [
          '-D',
          dataDir,
          '-p',
          String(port),
          '-c',
          `listen_addresses=${host}`,
          '-c',
          `unix_socket_directories=${socketDir}`,
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
          '-c',
          'max_connections=200',
        ],
        {
          name: 'postgres',
          user,
          readyWhen: /database system is ready to accept connections/,
          // SIGINT is PostgreSQL's fast shutdown: clients are disconnected, nothing is lost.
          stopSignal: 'SIGINT',
        },
      );
    server = await start();

    for (const database of options.databases ?? []) {
      await run(join(bin, 'createdb'), ['-h', host, '-p', String(port), '-U', SUPERUSER, database]);
    }

    let current: RunningService = server;
    // current.stop() is idempotent: after shutdown() this only starts the server again.
    const restart = async (): Promise<void> => {
      await current.stop();
      current = await start();
    };
    return {
      host,
      port,
      socketDir,
      connectionString: (database, dbUser = SUPERUSER, password) => {
        const credentials =
          password === undefined
            ? encodeURIComponent(dbUser)
            : `${encodeURIComponent(dbUser)}:${encodeURIComponent(password)}`;
        return `postgresql://${credentials}@${host}:${port}/${encodeURIComponent(database)}`;
      },
      output: () => current.output(),
      restart,
      shutdown: async () => {
        await current.stop();
      },
      start: restart,
      stop: async () => {
        await current.stop();
        await dir.remove();
      },
    };
  } catch (error) {
    await server?.stop();
    await dir.remove();
    throw error;
  }
}
