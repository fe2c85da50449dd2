/**
 * Players' draws in the database, so any process sharing it answers for draws played on any
 * process: a row per draw in `draws`, keyed by (room_id, draw_seq), with where its receipt is
 * and, once an outcome or void record came, its status and end; and a row per player of a draw
 * in `draw_players`, keyed by (address, n), where `n` numbers the draws in the order they were
 * first indexed. `n` orders a player's draws oldest first and is the page cursor; the key
 * (address, n) is the index a page reads, so a page costs in proportion to its length.
 *
 * A draw indexed later always has a higher `n`, and is visible only once its transaction
 * commits: on SQLite write transactions take the file's lock in turn; on Postgres each batch
 * takes a transaction-scoped advisory lock before it numbers draws, so numbers are committed in
 * order and a pager never misses a draw behind its cursor.
 *
 * Writes are idempotent: a receipt fed again keeps its row and number (`on conflict do
 * nothing`), and only an open draw ends.
 * @module
 */
import { sql, type Kysely } from 'kysely';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import type { Database } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import type { DrawIndex, DrawsPage, PlayerDraw } from './draws.ts';
import { SqlRecordIndex } from './sql-record-index.ts';

/** The advisory lock (Postgres) that numbers draws one batch at a time: "fpdraws" in ASCII. */
const NUMBERING_LOCK = 0x667064726177n;

export class SqlDrawIndex extends SqlRecordIndex implements DrawIndex {
  constructor(database: Database) {
    super(database, 'draws');
  }

  async draws(address: string, page: { after?: string; limit: number; order?: 'asc' | 'desc' }): Promise<DrawsPage> {
    const desc = page.order === 'desc';
    // Every record told so far is in (a page asked right after an outcome lists it).
    await this.settled();
    const rows = await this.database.db
      .selectFrom('draw_players as p')
      .innerJoin('draws as d', 'd.n', 'p.n')
      .select(['p.n', 'd.room_id', 'd.draw_seq', 'd.receipt_seq', 'd.receipt_hash', 'd.game', 'd.kind', 'd.issued_at', 'd.status', 'd.end_seq', 'd.end_hash'])
      .where('p.address', '=', address.toLowerCase())
      .where('p.n', desc ? '<' : '>', page.after === undefined ? (desc ? Number.MAX_SAFE_INTEGER : 0) : Number(page.after))
      .orderBy('p.n', desc ? 'desc' : 'asc')
      .limit(page.limit + 1)
      .execute();
    const draws = rows.slice(0, page.limit).map((r): PlayerDraw => {
      const draw = {
        roomId: r.room_id,
        drawSeq: Number(r.draw_seq),
        receiptSeq: Number(r.receipt_seq),
        receiptHash: r.receipt_hash,
        game: r.game,
        kind: r.kind,
        issuedAt: Number(r.issued_at),
        status: r.status,
      };
      return r.end_seq === null || r.end_hash === null ? draw : { ...draw, endSeq: Number(r.end_seq), endHash: r.end_hash };
    });
    return { draws, next: rows.length > page.limit ? String(rows[page.limit - 1]!.n) : null };
  }

  protected wants(record: HashedRecord): boolean {
    return record.type === 'receipt' || record.type === 'outcome' || record.type === 'void';
  }

  protected async write(trx: Kysely<Schema>, records: readonly HashedRecord[]): Promise<void> {
    if (this.database.dialect === 'postgres' && records.some((r) => r.type === 'receipt')) await sql`select pg_advisory_xact_lock(${sql.lit(NUMBERING_LOCK)})`.execute(trx);
    for (const record of records) {
      if (record.type === 'receipt') {
        const row = await trx
          .insertInto('draws')
          .values({
            room_id: record.roomId,
            draw_seq: record.drawSeq,
            receipt_seq: record.seq,
            receipt_hash: record.hash,
            game: record.game,
            kind: record.kind,
            issued_at: record.issuedAt,
            status: 'open',
          })
          .onConflict((oc) => oc.columns(['room_id', 'draw_seq']).doNothing())
          .returning('n')
          .executeTakeFirst();
        if (!row) continue; // fed again (recovery, a catch-up)
        const players = [...new Set(record.players.map((p) => p.toLowerCase()))];
        await trx
          .insertInto('draw_players')
          .values(players.map((address) => ({ address, n: Number(row.n) })))
          .onConflict((oc) => oc.columns(['address', 'n']).doNothing())
          .execute();
      } else if (record.type === 'outcome' || record.type === 'void') {
        await trx
          .updateTable('draws')
          .set({ status: record.type === 'void' ? 'void' : 'settled', end_seq: record.seq, end_hash: record.hash })
          .where('room_id', '=', record.roomId)
          .where('draw_seq', '=', record.drawSeq)
          .where('status', '=', 'open')
          .execute();
      }
    }
  }
}
