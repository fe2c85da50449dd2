/**
 * Fairplay's database: one Kysely schema and query layer over two dialects.
 *
 * - **SQLite** (the default): `DATA_DIR/fairplay.db` through better-sqlite3, in WAL mode with
 *   `synchronous=FULL` (a commit is on disk before it returns) and a busy timeout, since the
 *   processes of a one-host cluster share the file. Write transactions begin IMMEDIATE: they take
 *   the file's write lock up front (waiting out another process's for the busy timeout) instead of
 *   failing when a read turns into a write.
 * - **PostgreSQL** when `DATABASE_URL` is set (`pg`): shared by every process of a cluster,
 *   whatever host it runs on.
 *
 * `openDatabase` runs the migrations (`migrations.ts`) with Kysely's Migrator before it returns.
 * Two processes starting at once are safe: on Postgres the Migrator holds an advisory lock, and
 * on SQLite the migrations run inside one IMMEDIATE transaction, so the second process waits,
 * then finds them applied. A file that is damaged or cannot be opened is refused with an error
 * naming the file and the reason.
 * @module
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { cachingStatements } from './statement-cache.ts';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  sql,
  type DialectAdapter,
  type Migration,
} from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { migrations, type DialectName } from './migrations.ts';
import type { Schema } from './schema.ts';

export type { DialectName } from './migrations.ts';

/** The SQLite file's name in DATA_DIR. */
export const SQLITE_FILE = 'fairplay.db';
/** How long a SQLite statement waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MS = 10_000;

export interface Database {
  readonly dialect: DialectName;
  readonly db: Kysely<Schema>;
  /** Where the data is, for logs and errors: the file, or the URL without its password. */
  readonly where: string;
  /**
   * Runs `fn` in one write transaction, committed if it resolves and rolled back if it throws. On
   * Postgres a transaction the database rolled back to break a deadlock is run again (`fn` may run
   * more than once: it must do nothing but its queries).
   */
  transaction<T>(fn: (trx: Kysely<Schema>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Whether the database answers a trivial query within `ms` (for /health). */
export async function databaseAnswers(database: Database, ms = 2000): Promise<boolean> {
  const answer = sql`select 1`.execute(database.db).then(() => true, () => false);
  return Promise.race([answer, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);
}

export interface DatabaseOptions {
  /** SQLite's file goes here when `databaseUrl` is unset. */
  readonly dataDir: string;
  /** A postgres:// URL: PostgreSQL instead of SQLite. */
  readonly databaseUrl?: string | undefined;
  readonly log?: Logger;
}

/** Opens the database and brings its schema to the latest migration. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  // Set when a migration throws, so that SQLite's migration lock rolls back instead of committing.
  const migration = { failed: false };
  const database = opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.log) : openSqlite(join(opts.dataDir, SQLITE_FILE), migration);
  try {
    await migrate(database, migration);
  } catch (err) {
    await database.close().catch(() => undefined);
    // The reason is in the message (a cause would print it twice in the log).
    throw new Error(`cannot open the database ${database.where}: ${reason(err)}`);
  }
  return database;
}

/** The database URL as it may be logged: no password. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

function openSqlite(path: string, migration: { readonly failed: boolean }): Database {
  let handle: BetterSqlite3.Database;
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    handle = new BetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw new Error(`cannot open the database ${path}: ${reason(err)}`);
  }
  try {
    // The first read of the file: a file that is not a database (or a damaged header) fails here.
    const mode = handle.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`it cannot be put in WAL mode (journal_mode is ${String(mode)})`);
    handle.pragma('synchronous = FULL');
    handle.pragma('foreign_keys = ON');
    handle.prepare('select count(*) from sqlite_schema').get();
  } catch (err) {
    handle.close();
    throw new Error(
      `cannot open the database ${path}: ${reason(err)}. The file is damaged or is not a SQLite database: stop every server using it and restore it from a backup`,
    );
  }
  const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect(handle, () => migration.failed) });
  return {
    dialect: 'sqlite',
    db,
    where: path,
    transaction: (fn) =>
      // One connection, held for the whole transaction (Kysely queues every other query behind it).
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (err) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw err;
        }
      }),
    close: () => db.destroy(),
  };
}

/**
 * SQLite's dialect with a migration lock that holds across processes: Kysely's own is a no-op
 * (one connection per process), so the migrations run inside an IMMEDIATE transaction instead,
 * committed once they all succeeded (SQLite's DDL is transactional).
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly handle: BetterSqlite3.Database,
    private readonly failed: () => boolean,
  ) {
    super({ database: cachingStatements(handle) });
  }

  override createAdapter(): DialectAdapter {
    const { handle, failed } = this;
    return new (class extends SqliteAdapter {
      override async acquireMigrationLock(db: Kysely<any>): Promise<void> {
        await sql`begin immediate`.execute(db);
      }
      override async releaseMigrationLock(db: Kysely<any>): Promise<void> {
        // Not in a transaction if taking the lock failed (its error is the one to report).
        if (handle.inTransaction) await sql.raw(failed() ? 'rollback' : 'commit').execute(db);
      }
    })();
  }
}

function openPostgres(url: string, log?: Logger): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 10_000,
    // int8 columns (draw numbers, times) as numbers: every value stored is a safe integer.
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  });
  // A connection the server drops (a Postgres restart) must not crash the process: an idle one
  // the pool replaces; one checked out (between the statements of a transaction) has no listener
  // of the pool's, so it gets one of its own, and its transaction fails on its next statement and
  // waits for the database like any other (`transaction`). Logged as message and code: the error
  // object carries the whole client.
  const dropped = (err: Error) => log?.warn({ reason: reason(err) }, 'a database connection failed; it will be replaced');
  pool.on('error', dropped);
  pool.on('connect', (client) => client.on('error', dropped));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: 'postgres',
    db,
    where: redactedUrl(url),
    async transaction(fn) {
      const started = Date.now();
      let outage = false;
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await db.transaction().execute(fn);
          if (outage) log?.info({ ms: Date.now() - started }, 'the database answers again');
          return result;
        } catch (err) {
          // Postgres broke a deadlock (two claims of the same commitments in opposite orders) or a
          // serialization conflict by rolling this one back: run it again, now after the other.
          if (RETRYABLE.has((err as { code?: unknown }).code as string) && attempt < RETRIES) continue;
          // The server restarting or out of reach: wait for it (play pauses), then run again.
          if (!isConnectionLoss(err) || Date.now() - started >= OUTAGE_WAIT_MS) throw err;
          if (!outage) log?.warn({ err: reason(err) }, 'the database is out of reach: writes wait for it');
          outage = true;
          await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** Math.min(attempt, 5))));
        }
      }
    },
    close: () => db.destroy(),
  };
}

/** Postgres errors after which a transaction, rolled back whole, may simply run again: deadlock_detected, serialization_failure. */
const RETRYABLE = new Set(['40P01', '40001']);
const RETRIES = 5;
/**
 * How long a write waits for a Postgres that went away (restarting, failing over, out of reach)
 * before its caller is told it failed.
 */
const OUTAGE_WAIT_MS = 120_000;

/**
 * Whether the transaction failed because the connection did, not because of what it did: the
 * server shutting down or starting (57P01-57P03), a connection exception (class 08), or the
 * socket refused, reset or closed. Such a transaction may have committed only if the loss came
 * while its COMMIT was on the wire; running it again must then find its own rows and take them as
 * written: every writer inserts with `on conflict do nothing` and treats a row that is already
 * there and the same as its own (room records and reveals compare their hash or seed; chip
 * entries, awards, mints and index rows are keyed by what they are). A commitment claim run again
 * refuses its own commitments as used (safe: nothing was signed).
 */
function isConnectionLoss(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (/^57P0[123]$/.test(code) || code.startsWith('08') || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code))) return true;
  const message = err instanceof Error ? err.message : '';
  // pg's words for a socket that closed, a connect that timed out, a client broken by either, and
  // a pool whose every connection attempt hangs (the host stopped answering).
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(message);
}

async function migrate(database: Database, migration: { failed: boolean }): Promise<void> {
  const all = migrations(database.dialect);
  const wrapped: Record<string, Migration> = Object.fromEntries(
    Object.entries(all).map(([name, m]) => [
      name,
      {
        async up(db) {
          try {
            await m.up(db);
          } catch (err) {
            migration.failed = true;
            throw err;
          }
        },
      },
    ]),
  );
  const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => wrapped } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`${failed ? `migration ${failed.migrationName} failed: ` : ''}${reason(error)}`);
  }
}

function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
}
