/**
 * Where the court watcher is in the chain, kept in the database (`court_cursors`, migration
 * 0007-court): the next block whose `Revealed` events it has not yet handled, per court address.
 * It only moves forward, so two processes that both watch (a cluster's leader handing over)
 * never move it back.
 * @module
 */
import type { Database } from '../db/database.ts';

export interface CourtCursor {
  /** The next block to read, or undefined before the first poll. */
  next(): Promise<number | undefined>;
  /** Every block before `block` is handled. */
  advance(block: number): Promise<void>;
}

export class SqlCourtCursor implements CourtCursor {
  readonly #court: string;

  constructor(
    private readonly database: Database,
    court: string,
  ) {
    this.#court = court.toLowerCase();
  }

  async next(): Promise<number | undefined> {
    const row = await this.database.db.selectFrom('court_cursors').select('next_block').where('court', '=', this.#court).executeTakeFirst();
    // Postgres' bigint may come back as a string.
    return row ? Number(row.next_block) : undefined;
  }

  async advance(block: number): Promise<void> {
    await this.database.db
      .insertInto('court_cursors')
      .values({ court: this.#court, next_block: block })
      .onConflict((oc) => oc.column('court').doUpdateSet({ next_block: block }).where('court_cursors.next_block', '<', block))
      .execute();
  }
}
