import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '@oracle/logger';
import { freePort, makeTempDir, startPostgres, waitFor, type RunningPostgres } from '@oracle/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openPgStore,
  openPgStoreWhenReachable,
  type PgStore,
  type PgStoreOptions,
} from '../../src/adapters/pg-store.js';
import { MIGRATIONS_DIR } from '../../src/adapters/pg-store-migrations.js';
import type {
  ContractConfig,
  SerializedPendingTransmission,
  StoreResult,
  TransmitterTransaction,
} from '../../src/ports/store.js';

const logger = createLogger({ service: 'store-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const fast = { initialDelayMs: 50, maxDelayMs: 500, multiplier: 2, jitter: 0 };
const digest = (n: number): string => `0x${n.toString(16).padStart(32, '0')}`;
const word = (byte: string): string => `0x${byte.repeat(32)}`;

function value<T>(result: StoreResult<T>): T {
  if (!result.ok) throw new Error(`store call failed: ${result.error.kind}: ${result.error.message}`);
  return result.value;
}

describe('PgStore on a real PostgreSQL', () => {
  let postgres: RunningPostgres;
  let options: PgStoreOptions;
  const stores: PgStore[] = [];

  async function open(extra: Partial<PgStoreOptions> = {}): Promise<PgStore> {
    const store = value(await openPgStore({ ...options, ...extra }));
    stores.push(store);
    return store;
  }

  beforeAll(async () => {
    postgres = await startPostgres({ databases: ['node_2', 'node_3', 'node_4'] });
    options = { connectionString: postgres.connectionString('node_2'), logger, backoff: fast, retries: 30 };
  });

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await postgres?.stop();
  });

  it('applies migrations once, even when nodes start concurrently, and refuses an edited one', async () => {
    const opened = await Promise.all([openPgStore(options), openPgStore(options), openPgStore(options)]);
    for (const result of opened) stores.push(value(result));
    const client = new pg.Client({ connectionString: options.connectionString });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string }>('SELECT version FROM schema_migrations');
      expect(rows.map((r) => r.version)).toEqual(['0001_initial']);
      const tables = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        'ocr_contract_configs',
        'ocr_highest_signed',
        'ocr_pacemaker_states',
        'ocr_pending_transmissions',
        'schema_migrations',
        'transmitter_transactions',
      ]);
    } finally {
      await client.end();
    }
    const again = value(await (await open()).migrate([]));
    expect(again).toEqual([]);

    const edited = await makeTempDir('migrations');
    try {
      await cp(MIGRATIONS_DIR, edited.path, { recursive: true });
      await writeFile(join(edited.path, '0001_initial.sql'), '-- edited\n', { flag: 'a' });
      const refused = await openPgStore({ ...options, migrationsDir: edited.path });
      expect(refused.ok).toBe(false);
      expect(!refused.ok && refused.error).toMatchObject({
        kind: 'failed',
        message: expect.stringContaining('0001_initial changed'),
      });
    } finally {
      await edited.remove();
    }
  });

  it('advances the highest signed (epoch, round) only upwards, exactly once under concurrency', async () => {
    const [a, b] = [await open(), await open()];
    const d = digest(1);
    expect(value(await a.highestSigned(d))).toBeUndefined();

    // 40 concurrent attempts at the same position from two pools: exactly one may sign.
    const same = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).advanceHighestSigned(d, { epoch: 3, round: 2 })),
    );
    expect(same.map(value).filter(Boolean)).toHaveLength(1);

    expect(value(await a.advanceHighestSigned(d, { epoch: 3, round: 2 }))).toBe(false);
    expect(value(await a.advanceHighestSigned(d, { epoch: 3, round: 1 }))).toBe(false);
    expect(value(await a.advanceHighestSigned(d, { epoch: 2, round: 9 }))).toBe(false);
    expect(value(await b.advanceHighestSigned(d, { epoch: 3, round: 3 }))).toBe(true);
    expect(value(await b.advanceHighestSigned(d, { epoch: 4, round: 0 }))).toBe(true);

    // Racing different positions: each distinct position is granted at most once and the maximum wins.
    const positions = Array.from({ length: 30 }, (_, i) => ({ epoch: 5 + (i % 3), round: i % 5 }));
    const raced = await Promise.all(
      positions.flatMap((p) => [a.advanceHighestSigned(d, p), b.advanceHighestSigned(d, p)]),
    );
    const granted = positions.flatMap((p, i) =>
      (value(raced[2 * i] as StoreResult<boolean>) ? [p] : []).concat(
        value(raced[2 * i + 1] as StoreResult<boolean>) ? [p] : [],
      ),
    );
    expect(new Set(granted.map((p) => `${p.epoch}/${p.round}`)).size).toBe(granted.length);
    expect(value(await a.highestSigned(d))).toEqual({ epoch: 7, round: 4 });
    // Another digest is independent.
    expect(value(await a.advanceHighestSigned(digest(2), { epoch: 0, round: 1 }))).toBe(true);
  });

  it('stores pacemaker state, pending transmissions, contract configs and transactions', async () => {
    const store = await open();
    const d = digest(3);
    expect(value(await store.loadPacemakerState(d))).toBeUndefined();
    value(
      await store.savePacemakerState(d, {
        epoch: 4,
        highestSentEpoch: 4,
        highestReceivedEpoch: [4, 3, 0, 4_294_967_295],
      }),
    );
    value(
      await store.savePacemakerState(d, {
        epoch: 5,
        highestSentEpoch: 5,
        highestReceivedEpoch: [5, 3, 1, 4_294_967_295],
      }),
    );
    expect(value(await store.loadPacemakerState(d))).toEqual({
      epoch: 5,
      highestSentEpoch: 5,
      highestReceivedEpoch: [5, 3, 1, 4_294_967_295],
    });

    const pending = (epoch: number, round: number, transmitAtMs: number): SerializedPendingTransmission => ({
      configDigest: d,
      epoch,
      round,
      transmitAtMs,
      median: -(2n ** 191n) + BigInt(round),
      serializedReport: `0x${'ab'.repeat(300)}${round.toString(16).padStart(2, '0')}`,
      rs: [word('01'), word('02')],
      ss: [word('03'), word('04')],
      vs: word('00'),
    });
    const old = Date.parse('2025-01-01T00:00:00.000Z');
    const soon = Date.parse('2025-01-02T00:00:00.000Z');
    value(await store.savePendingTransmission(pending(7, 2, soon)));
    value(await store.savePendingTransmission(pending(7, 1, old)));
    value(await store.savePendingTransmission(pending(6, 9, old)));
    const replaced = { ...pending(7, 2, soon), median: 42n, rs: [word('0f')] };
    value(await store.savePendingTransmission(replaced));
    expect(value(await store.pendingTransmissions(d))).toEqual([
      pending(6, 9, old),
      pending(7, 1, old),
      replaced,
    ]);
    expect(value(await store.pendingTransmissions(digest(99)))).toEqual([]);

    value(await store.deletePendingTransmission(d, { epoch: 7, round: 1 }));
    expect(value(await store.pendingTransmissions(d)).map((p) => [p.epoch, p.round])).toEqual([
      [6, 9],
      [7, 2],
    ]);
    expect(value(await store.deletePendingTransmissionsBefore(Date.parse('2025-01-01T12:00:00.000Z')))).toBe(
      1,
    );
    expect(value(await store.pendingTransmissions(d))).toEqual([replaced]);

    const config: ContractConfig = {
      configDigest: digest(4),
      configCount: 3n,
      signers: ['0x' + '11'.repeat(20), '0x' + '22'.repeat(20)],
      transmitters: ['0x' + '33'.repeat(20), '0x' + '44'.repeat(20)],
      threshold: 1,
      encodedConfigVersion: 1n,
      encoded: '0x' + 'cd'.repeat(500),
      blockNumber: 18_000_000n,
    };
    const address = '0xAbCdEf0123456789aBcDeF0123456789ABCDEF01';
    expect(value(await store.loadContractConfig(address))).toBeUndefined();
    value(await store.saveContractConfig(address, config));
    value(
      await store.saveContractConfig(address.toLowerCase(), {
        ...config,
        configCount: 4n,
        configDigest: digest(5),
      }),
    );
    expect(value(await store.loadContractConfig(address.toUpperCase().replace('0X', '0x')))).toEqual({
      ...config,
      configCount: 4n,
      configDigest: digest(5),
    });

    const tx = (nonce: bigint, hash: string): TransmitterTransaction => ({
      hash,
      from: '0x' + 'AA'.repeat(20),
      nonce,
      feed: address,
      configDigest: digest(5),
      epoch: 7,
      round: 2,
      status: 'pending',
      maxFeePerGas: 10n ** 30n,
      maxPriorityFeePerGas: 2n * 10n ** 9n,
      sentAtMs: Date.parse('2025-01-02T00:00:01.000Z'),
    });
    value(await store.saveTransaction(tx(8n, word('0b'))));
    value(await store.saveTransaction(tx(7n, word('0a'))));
    value(await store.saveTransaction({ ...tx(7n, word('0c')), maxFeePerGas: 3n }));
    expect(value(await store.setTransactionStatus(word('0a'), 'replaced'))).toBe(true);
    expect(value(await store.setTransactionStatus(word('ff'), 'confirmed'))).toBe(false);
    const pendingTxs = value(await store.transactionsByStatus('pending', '0x' + 'aa'.repeat(20)));
    expect(pendingTxs.map((t) => [t.nonce, t.hash])).toEqual([
      [7n, word('0c')],
      [8n, word('0b')],
    ]);
    expect(pendingTxs[0]).toMatchObject({
      maxFeePerGas: 3n,
      feed: address.toLowerCase(),
      from: '0x' + 'aa'.repeat(20),
      epoch: 7,
      round: 2,
    });
    expect(value(await store.transactionsByStatus('replaced')).map((t) => t.hash)).toEqual([word('0a')]);
    expect(value(await store.transactionsByStatus('pending', '0x' + 'bb'.repeat(20)))).toEqual([]);
  });

  it('returns bad input as an error value, not an exception', async () => {
    const store = await open();
    const result = await store.highestSigned('not hex');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.kind).toBe('failed');
  });

  it('keeps working across a PostgreSQL restart, retrying calls made while it is down', async () => {
    const errors: string[] = [];
    const store = await open({ onDatabaseError: (kind) => errors.push(kind) });
    const d = digest(6);
    expect(value(await store.advanceHighestSigned(d, { epoch: 1, round: 1 }))).toBe(true);

    // Calls issued while the server goes down and comes back are retried until it is back.
    const restarting = postgres.restart();
    const during = Promise.all([
      store.advanceHighestSigned(d, { epoch: 1, round: 2 }),
      store.savePacemakerState(d, { epoch: 1, highestSentEpoch: 1, highestReceivedEpoch: [1] }),
    ]);
    await restarting;
    const [advanced, saved] = await during;
    expect(value(advanced)).toBe(true);
    value(saved);

    // Pooled connections died with the old server; the next calls reconnect by themselves.
    expect(value(await store.highestSigned(d))).toEqual({ epoch: 1, round: 2 });
    expect(value(await store.advanceHighestSigned(d, { epoch: 1, round: 2 }))).toBe(false);
    expect(value(await store.loadPacemakerState(d))).toEqual({
      epoch: 1,
      highestSentEpoch: 1,
      highestReceivedEpoch: [1],
    });
    // What the store absorbed was reported, by kind (a SQLSTATE, a socket code or a short name).
    expect(errors.length).toBeGreaterThan(0);
    for (const kind of errors) expect(kind).toMatch(/^[0-9A-Z]{5}$|^E[A-Z]+$|^[a-z-]+$/);
  });

  it('survives losing its connection in the middle of a migration, and applies it once the server is back', async () => {
    // A process-level 'error' nobody listens to would surface here (and fail the run).
    const uncaught: unknown[] = [];
    const record = (error: unknown): void => void uncaught.push(error);
    process.on('uncaughtException', record);
    const dir = await makeTempDir('migrations');
    try {
      await cp(MIGRATIONS_DIR, dir.path, { recursive: true });
      await writeFile(join(dir.path, '0002_slow.sql'), 'SELECT pg_sleep(2);\n');
      const connectionString = postgres.connectionString('node_3');
      const opening = openPgStore({ ...options, connectionString, migrationsDir: dir.path });
      await waitFor(
        async () => {
          const client = new pg.Client({ connectionString });
          await client.connect();
          try {
            const { rows } = await client.query<{ n: string }>(
              "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(2)%' AND pid <> pg_backend_pid()",
            );
            return Number(rows[0]?.n) > 0;
          } finally {
            await client.end();
          }
        },
        { what: 'the slow migration running' },
      );
      await postgres.restart();
      const store = value(await opening);
      stores.push(store);
      expect(value(await store.migrate([]))).toEqual([]);
      const client = new pg.Client({ connectionString });
      await client.connect();
      try {
        const { rows } = await client.query<{ version: string }>(
          'SELECT version FROM schema_migrations ORDER BY version',
        );
        expect(rows.map((r) => r.version)).toEqual(['0001_initial', '0002_slow']);
      } finally {
        await client.end();
      }
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
      await dir.remove();
    }
  });

  it('waits at start for a server that is down, and opens once it is back', async () => {
    const errors: string[] = [];
    await postgres.shutdown();
    const opening = openPgStoreWhenReachable({
      ...options,
      connectionString: postgres.connectionString('node_4'),
      retries: 1,
      openBackoff: fast,
      onDatabaseError: (kind) => errors.push(kind),
    });
    // More failed attempts than one openPgStore makes (it would have given up by now).
    await waitFor(() => errors.length >= 4, { what: 'several failed attempts to open the store' });
    expect(errors.every((kind) => kind === 'ECONNREFUSED')).toBe(true);
    await postgres.start();
    const store = value(await opening);
    stores.push(store);
    expect(value(await store.highestSigned(digest(7)))).toBeUndefined();
  });

  it('reports an unreachable server as "unavailable" once the retries run out', async () => {
    const port = await freePort();
    const started = Date.now();
    const result = await openPgStore({
      ...options,
      connectionString: `postgresql://postgres:hunter2@127.0.0.1:${port}/node_2`,
      retries: 2,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('unavailable');
    expect(result.error.message).not.toContain('hunter2');
    expect(Date.now() - started).toBeGreaterThanOrEqual(fast.initialDelayMs * 3);
  });
});
