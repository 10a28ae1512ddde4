import { backoffDelayMs, err, ok, retry, sleep, type BackoffPolicy, type Result } from '@oracle/core';
import type { Logger } from '@oracle/logger';
import { getBytes, hexlify } from 'ethers';
import pg from 'pg';
import type {
  ContractConfig,
  EpochRound,
  PacemakerState,
  SerializedPendingTransmission,
  Store,
  StoreError,
  StoreResult,
  TransactionStatus,
  TransmitterTransaction,
} from '../ports/store.js';
import { migrate, readMigrations, type Migration } from './pg-store-migrations.js';

export interface PgStoreOptions {
  /** postgresql://… — holds the password: never logged, never quoted in errors. */
  readonly connectionString: string;
  readonly logger: Logger;
  /** Pool size; several nodes share one server (default 4). */
  readonly maxConnections?: number;
  /** Retries of a call that failed because Postgres was unreachable (default 6: about 10 s). */
  readonly retries?: number;
  readonly backoff?: BackoffPolicy;
  /** Server-side limit of one statement (default 10 s). */
  readonly statementTimeoutMs?: number;
  /** Folder of NNNN_name.sql files (default: this package's src/adapters/migrations). */
  readonly migrationsDir?: string;
  /**
   * Called with the error's kind (a SQLSTATE, a socket error code, or a short name) for every
   * database error the store absorbs: an idle connection lost, a call that failed and is retried.
   */
  readonly onDatabaseError?: (kind: string) => void;
}

/** Delays between attempts to open the store while Postgres is unreachable at start. */
const defaultOpenBackoff: BackoffPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 15_000,
  multiplier: 2,
  jitter: 0.2,
};

const defaultBackoff: BackoffPolicy = { initialDelayMs: 200, maxDelayMs: 3_000, multiplier: 2, jitter: 0.2 };

/** Connects, brings the schema up to date, and returns the store; an error value if Postgres stays unreachable. */
export async function openPgStore(options: PgStoreOptions): Promise<Result<PgStore, StoreError>> {
  const migrations = await readMigrations(options.migrationsDir);
  const store = new PgStore(options);
  const applied = await store.migrate(migrations);
  if (!applied.ok) {
    await store.close();
    return applied;
  }
  options.logger.info(
    { applied: applied.value, migrations: migrations.length },
    'Database schema is up to date',
  );
  return ok(store);
}

/**
 * openPgStore until Postgres answers: a database that is down or restarting when the node starts
 * is waited for (with backoff, each failed attempt logged) rather than ending the process, which
 * the supervisor would count as a crash. Only an error that waiting cannot fix (a statement or
 * migration that fails, wrong credentials) comes back as an error value; `signal` ends the wait.
 */
export async function openPgStoreWhenReachable(
  options: PgStoreOptions & { readonly openBackoff?: BackoffPolicy; readonly signal?: AbortSignal },
): Promise<Result<PgStore, StoreError>> {
  for (let attempt = 0; ; attempt++) {
    const opened = await openPgStore(options);
    if (opened.ok || opened.error.kind !== 'unavailable' || options.signal?.aborted) return opened;
    const delayMs = backoffDelayMs(options.openBackoff ?? defaultOpenBackoff, attempt);
    options.logger.warn(
      { attempt: attempt + 1, delayMs, error: opened.error.message },
      'Database unreachable at start; waiting for it',
    );
    try {
      await sleep(delayMs, options.signal);
    } catch {
      return opened;
    }
  }
}

/**
 * The Store on PostgreSQL (pg). Each call runs with retries when the server is unreachable
 * (connection refused or lost, server shutting down or starting); every statement is idempotent,
 * so a retry after a lost reply is safe (a repeated advanceHighestSigned answers false, the safe
 * side). The pool drops broken connections, so the node recovers by itself when Postgres is back.
 */
export class PgStore implements Store {
  readonly #pool: pg.Pool;
  readonly #log: Logger;
  readonly #retries: number;
  readonly #backoff: BackoffPolicy;
  readonly #onDatabaseError: (kind: string) => void;

  constructor(options: PgStoreOptions) {
    this.#log = options.logger.child({ component: 'store' });
    this.#retries = options.retries ?? 6;
    this.#backoff = options.backoff ?? defaultBackoff;
    this.#onDatabaseError = options.onDatabaseError ?? (() => undefined);
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 4,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
      statement_timeout: options.statementTimeoutMs ?? 10_000,
      keepAlive: true,
      application_name: 'node-runner',
    });
    // An idle connection that dies (server restart) is reported here; without a listener it would
    // crash the process. The pool has already dropped it; the next call opens a fresh one.
    this.#pool.on('error', (error) => {
      const kind = errorKind(error);
      this.#onDatabaseError(kind);
      this.#log.warn({ kind }, 'Idle database connection lost');
    });
  }

  /** Applies pending migrations (openPgStore does this at start). */
  migrate(migrations: readonly Migration[]): Promise<StoreResult<string[]>> {
    return this.#run('migrate', () => migrate(this.#pool, migrations));
  }

  loadPacemakerState(configDigest: string): Promise<StoreResult<PacemakerState | undefined>> {
    return this.#run('loadPacemakerState', async () => {
      const { rows } = await this.#pool.query<{
        epoch: string;
        highest_sent_epoch: string;
        highest_received_epoch: string[];
      }>(
        'SELECT epoch, highest_sent_epoch, highest_received_epoch FROM ocr_pacemaker_states WHERE config_digest = $1',
        [bytes(configDigest)],
      );
      const row = rows[0];
      return row
        ? {
            epoch: Number(row.epoch),
            highestSentEpoch: Number(row.highest_sent_epoch),
            highestReceivedEpoch: row.highest_received_epoch.map(Number),
          }
        : undefined;
    });
  }

  savePacemakerState(configDigest: string, state: PacemakerState): Promise<StoreResult<void>> {
    return this.#run('savePacemakerState', async () => {
      await this.#pool.query(
        `INSERT INTO ocr_pacemaker_states (config_digest, epoch, highest_sent_epoch, highest_received_epoch)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (config_digest) DO UPDATE SET epoch = EXCLUDED.epoch, highest_sent_epoch = EXCLUDED.highest_sent_epoch,
           highest_received_epoch = EXCLUDED.highest_received_epoch, updated_at = now()`,
        [bytes(configDigest), state.epoch, state.highestSentEpoch, state.highestReceivedEpoch],
      );
    });
  }

  advanceHighestSigned(configDigest: string, position: EpochRound): Promise<StoreResult<boolean>> {
    return this.#run('advanceHighestSigned', async () => {
      // One statement: the conflicting row is locked and the WHERE re-checked against its latest
      // version, so of concurrent calls for one (epoch, round) exactly one sees a row come back.
      const { rowCount } = await this.#pool.query(
        `INSERT INTO ocr_highest_signed AS h (config_digest, epoch, round) VALUES ($1, $2, $3)
         ON CONFLICT (config_digest) DO UPDATE SET epoch = EXCLUDED.epoch, round = EXCLUDED.round, updated_at = now()
         WHERE (h.epoch, h.round) < (EXCLUDED.epoch, EXCLUDED.round)`,
        [bytes(configDigest), position.epoch, position.round],
      );
      return rowCount === 1;
    });
  }

  highestSigned(configDigest: string): Promise<StoreResult<EpochRound | undefined>> {
    return this.#run('highestSigned', async () => {
      const { rows } = await this.#pool.query<{ epoch: string; round: number }>(
        'SELECT epoch, round FROM ocr_highest_signed WHERE config_digest = $1',
        [bytes(configDigest)],
      );
      const row = rows[0];
      return row ? { epoch: Number(row.epoch), round: row.round } : undefined;
    });
  }

  savePendingTransmission(t: SerializedPendingTransmission): Promise<StoreResult<void>> {
    return this.#run('savePendingTransmission', async () => {
      await this.#pool.query(
        `INSERT INTO ocr_pending_transmissions (config_digest, epoch, round, transmit_at, median, serialized_report, rs, ss, vs)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (config_digest, epoch, round) DO UPDATE SET transmit_at = EXCLUDED.transmit_at, median = EXCLUDED.median,
           serialized_report = EXCLUDED.serialized_report, rs = EXCLUDED.rs, ss = EXCLUDED.ss, vs = EXCLUDED.vs`,
        [
          bytes(t.configDigest),
          t.epoch,
          t.round,
          timestamptz(t.transmitAtMs),
          t.median.toString(),
          bytes(t.serializedReport),
          t.rs.map(bytes),
          t.ss.map(bytes),
          bytes(t.vs),
        ],
      );
    });
  }

  pendingTransmissions(configDigest: string): Promise<StoreResult<SerializedPendingTransmission[]>> {
    return this.#run('pendingTransmissions', async () => {
      const { rows } = await this.#pool.query<PendingTransmissionRow>(
        `SELECT config_digest, epoch, round, transmit_at, median, serialized_report, rs, ss, vs
         FROM ocr_pending_transmissions WHERE config_digest = $1 ORDER BY epoch, round`,
        [bytes(configDigest)],
      );
      return rows.map((row) => ({
        configDigest: hexlify(row.config_digest),
        epoch: Number(row.epoch),
        round: row.round,
        transmitAtMs: row.transmit_at.getTime(),
        median: BigInt(row.median),
        serializedReport: hexlify(row.serialized_report),
        rs: row.rs.map((r) => hexlify(r)),
        ss: row.ss.map((s) => hexlify(s)),
        vs: hexlify(row.vs),
      }));
    });
  }

  deletePendingTransmission(configDigest: string, position: EpochRound): Promise<StoreResult<void>> {
    return this.#run('deletePendingTransmission', async () => {
      await this.#pool.query(
        'DELETE FROM ocr_pending_transmissions WHERE config_digest = $1 AND epoch = $2 AND round = $3',
        [bytes(configDigest), position.epoch, position.round],
      );
    });
  }

  deletePendingTransmissionsBefore(timeMs: number): Promise<StoreResult<number>> {
    return this.#run('deletePendingTransmissionsBefore', async () => {
      const { rowCount } = await this.#pool.query(
        'DELETE FROM ocr_pending_transmissions WHERE transmit_at < $1',
        [timestamptz(timeMs)],
      );
      return rowCount ?? 0;
    });
  }

  saveContractConfig(contractAddress: string, c: ContractConfig): Promise<StoreResult<void>> {
    return this.#run('saveContractConfig', async () => {
      await this.#pool.query(
        `INSERT INTO ocr_contract_configs (contract_address, config_digest, config_count, signers, transmitters, threshold,
           encoded_config_version, encoded, block_number)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (contract_address) DO UPDATE SET config_digest = EXCLUDED.config_digest, config_count = EXCLUDED.config_count,
           signers = EXCLUDED.signers, transmitters = EXCLUDED.transmitters, threshold = EXCLUDED.threshold,
           encoded_config_version = EXCLUDED.encoded_config_version, encoded = EXCLUDED.encoded,
           block_number = EXCLUDED.block_number, updated_at = now()`,
        [
          contractAddress.toLowerCase(),
          bytes(c.configDigest),
          c.configCount.toString(),
          c.signers,
          c.transmitters,
          c.threshold,
          c.encodedConfigVersion.toString(),
          bytes(c.encoded),
          c.blockNumber.toString(),
        ],
      );
    });
  }

  loadContractConfig(contractAddress: string): Promise<StoreResult<ContractConfig | undefined>> {
    return this.#run('loadContractConfig', async () => {
      const { rows } = await this.#pool.query<ContractConfigRow>(
        `SELECT config_digest, config_count, signers, transmitters, threshold, encoded_config_version, encoded, block_number
         FROM ocr_contract_configs WHERE contract_address = $1`,
        [contractAddress.toLowerCase()],
      );
      const row = rows[0];
      return row
        ? {
            configDigest: hexlify(row.config_digest),
            configCount: BigInt(row.config_count),
            signers: row.signers,
            transmitters: row.transmitters,
            threshold: row.threshold,
            encodedConfigVersion: BigInt(row.encoded_config_version),
            encoded: hexlify(row.encoded),
            blockNumber: BigInt(row.block_number),
          }
        : undefined;
    });
  }

  saveTransaction(t: TransmitterTransaction): Promise<StoreResult<void>> {
    return this.#run('saveTransaction', async () => {
      await this.#pool.query(
        `INSERT INTO transmitter_transactions (hash, from_address, nonce, feed, config_digest, epoch, round, status,
           max_fee_per_gas, max_priority_fee_per_gas, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (hash) DO UPDATE SET status = EXCLUDED.status, max_fee_per_gas = EXCLUDED.max_fee_per_gas,
           max_priority_fee_per_gas = EXCLUDED.max_priority_fee_per_gas, updated_at = now()`,
        [
          t.hash.toLowerCase(),
          t.from.toLowerCase(),
          t.nonce.toString(),
          t.feed.toLowerCase(),
          bytes(t.configDigest),
          t.epoch,
          t.round,
          t.status,
          t.maxFeePerGas.toString(),
          t.maxPriorityFeePerGas.toString(),
          timestamptz(t.sentAtMs),
        ],
      );
    });
  }

  setTransactionStatus(hash: string, status: TransactionStatus): Promise<StoreResult<boolean>> {
    return this.#run('setTransactionStatus', async () => {
      const { rowCount } = await this.#pool.query(
        'UPDATE transmitter_transactions SET status = $2, updated_at = now() WHERE hash = $1',
        [hash.toLowerCase(), status],
      );
      return rowCount === 1;
    });
  }

  transactionsByStatus(
    status: TransactionStatus,
    from?: string,
  ): Promise<StoreResult<TransmitterTransaction[]>> {
    return this.#run('transactionsByStatus', async () => {
      const { rows } = await this.#pool.query<TransactionRow>(
        `SELECT hash, from_address, nonce, feed, config_digest, epoch, round, status, max_fee_per_gas, max_priority_fee_per_gas, sent_at
         FROM transmitter_transactions WHERE status = $1 AND ($2::text IS NULL OR from_address = $2)
         ORDER BY nonce, sent_at`,
        [status, from?.toLowerCase() ?? null],
      );
      return rows.map((row) => ({
        hash: row.hash,
        from: row.from_address,
        nonce: BigInt(row.nonce),
        feed: row.feed,
        configDigest: hexlify(row.config_digest),
        epoch: Number(row.epoch),
        round: row.round,
        status: row.status,
        maxFeePerGas: BigInt(row.max_fee_per_gas),
        maxPriorityFeePerGas: BigInt(row.max_priority_fee_per_gas),
        sentAtMs: row.sent_at.getTime(),
      }));
    });
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  /** Runs one call with retries; never rejects: whatever fails comes back as an error value. */
  async #run<T>(operation: string, work: () => Promise<T>): Promise<StoreResult<T>> {
    let result: Result<T, unknown>;
    try {
      result = await retry(
        async () => {
          try {
            return ok(await work());
          } catch (error) {
            return err(error);
          }
        },
        {
          retries: this.#retries,
          backoff: this.#backoff,
          isRetryable: isTransient,
          onRetry: (error, attempt, delayMs) => {
            const kind = errorKind(error);
            this.#onDatabaseError(kind);
            this.#log.warn({ operation, attempt, delayMs, kind }, 'Database unavailable, retrying');
          },
        },
      );
    } catch (error) {
      result = err(error);
    }
    if (result.ok) return result;
    const kind = isTransient(result.error) ? 'unavailable' : 'failed';
    return err({ kind, message: `${operation} failed: ${describe(result.error)}` });
  }
}

interface PendingTransmissionRow {
  config_digest: Buffer;
  epoch: string;
  round: number;
  transmit_at: Date;
  median: string;
  serialized_report: Buffer;
  rs: Buffer[];
  ss: Buffer[];
  vs: Buffer;
}

interface ContractConfigRow {
  config_digest: Buffer;
  config_count: string;
  signers: string[];
  transmitters: string[];
  threshold: number;
  encoded_config_version: string;
  encoded: Buffer;
  block_number: string;
}

interface TransactionRow {
  hash: string;
  from_address: string;
  nonce: string;
  feed: string;
  config_digest: Buffer;
  epoch: string;
  round: number;
  status: TransactionStatus;
  max_fee_per_gas: string;
  max_priority_fee_per_gas: string;
  sent_at: Date;
}

/** 0x hex → bytea parameter; throws on anything that is not hex (caught by #run as a failed call). */
/**
 * A timestamptz parameter as ISO 8601 UTC text. (A Date parameter would make pg format it in the
 * process's local time zone, which loads ICU's time-zone data, ~1 MiB per node, to say the same instant.)
 */
function timestamptz(ms: number): string {
  return new Date(ms).toISOString();
}

function bytes(hex: string): Buffer {
  return Buffer.from(getBytes(hex));
}

/** PostgreSQL SQLSTATEs and socket errors that mean "the server is not reachable right now". */
const TRANSIENT_CODES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * What went wrong, for logs and metrics: the SQLSTATE or socket error code, else a short name for
 * the errors pg reports without one. Never the message itself (it may quote values).
 */
function errorKind(error: unknown): string {
  const code = errorCode(error);
  if (code !== undefined) return code;
  const message = error instanceof Error ? error.message : '';
  if (/connection terminated/i.test(message)) return 'connection-terminated';
  if (/timeout exceeded when trying to connect/i.test(message)) return 'connect-timeout';
  if (/connection error/i.test(message)) return 'connection-error';
  return error instanceof Error ? error.name : typeof error;
}

function isTransient(error: unknown): boolean {
  const code = errorCode(error);
  if (code !== undefined && (code.startsWith('08') || TRANSIENT_CODES.has(code))) return true;
  // pg reports a connection dropped mid-query, or a pool that cannot connect in time, without a code.
  return (
    error instanceof Error &&
    /connection terminated|connection error|timeout exceeded when trying to connect/i.test(error.message)
  );
}

function describe(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${message} (${code})` : message;
}
