/**
 * Reading a running server's SQLite database from a test (its committed rows: what is durable),
 * for checks of what the server wrote, such as the award outbox and the mint log.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SQLITE_FILE } from '../../server/db/database.ts';

/** The rows of `query` in DATA_DIR's database; undefined while there is no database file yet. */
export function sqliteRows<T>(dataDir: string, query: string): T[] | undefined {
  const file = join(dataDir, SQLITE_FILE);
  if (!existsSync(file)) return undefined;
  const db = new BetterSqlite3(file, { fileMustExist: true, timeout: 10_000 });
  try {
    return db.prepare(query).all() as T[];
  } finally {
    db.close();
  }
}
