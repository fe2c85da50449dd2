/**
 * Rows numbered in the order their transactions commit: the writer takes the table's write lock
 * (SQLite's IMMEDIATE transaction already holds the file's; on Postgres an EXCLUSIVE table lock,
 * which plain reads do not wait for), then numbers after the highest number there. So a reader
 * that has seen number k has seen every row numbered below k: numbers are never committed out
 * of order, as a sequence's could be by two transactions committing in the other order.
 * @module
 */
import { sql, type Kysely } from 'kysely';
import type { DialectName } from './migrations.ts';
import type { Schema } from './schema.ts';

/** The next number of `table`'s `n` column, inside the writing transaction `trx`. */
export async function nextNumber(trx: Kysely<Schema>, dialect: DialectName, table: 'awards' | 'mint_txs'): Promise<number> {
  if (dialect === 'postgres') await sql`lock table ${sql.table(table)} in exclusive mode`.execute(trx);
  const { rows } = await sql<{ n: number | string | null }>`select max(n) as n from ${sql.table(table)}`.execute(trx);
  return Number(rows[0]?.n ?? 0) + 1;
}
