/**
 * Prepared statements kept for reuse on SQLite. Kysely's SQLite driver prepares every query it
 * runs; compiling the same few INSERTs and SELECTs again for each draw was about 6% of the main
 * thread under the load tool's dice mix (a `--cpu-prof` profile, 2026-12-02). This wraps the
 * better-sqlite3 handle Kysely is given, so each SQL text is compiled once and reused.
 *
 * Bounded: queries whose text varies (multi-row inserts, IN lists) would otherwise grow the
 * map without end, so the least recently used statement goes once `capacity` are kept. A
 * statement still being iterated (a streamed read) is never handed out twice: another is
 * prepared for that call. SQLite itself recompiles a kept statement after a schema change.
 * @module
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const DEFAULT_CAPACITY = 256;

export function cachingStatements(handle: BetterSqlite3.Database, capacity = DEFAULT_CAPACITY): SqliteDatabase {
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`statement cache capacity must be a positive integer, got ${capacity}`);
  /** Insertion order is recency order: a hit is deleted and set again. */
  const kept = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      kept.clear();
      handle.close();
    },
    prepare(sql: string): SqliteStatement {
      const hit = kept.get(sql);
      if (hit && !hit.busy) {
        kept.delete(sql);
        kept.set(sql, hit);
        return hit;
      }
      const statement = handle.prepare(sql);
      if (!hit) {
        kept.set(sql, statement);
        if (kept.size > capacity) kept.delete(kept.keys().next().value!);
      }
      return statement;
    },
  };
}
