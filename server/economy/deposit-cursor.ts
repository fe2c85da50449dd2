/**
 * Where the deposit watcher is in the chain, kept in the database (`deposit_cursors`, migration
 * 0009-economy): the next block whose `Deposited` events it has not yet credited, per GameAssets
 * address. It only moves forward, so two processes that both watch (a cluster's leader handing
 * over) never move it back.
 * @module
 */
import type { Database } from '../db/database.ts';

export interface DepositCursor {
  /** The next block to read, or undefined before the first poll. */
  next(): Promise<number | undefined>;
  /** Every block before `block` is credited. */
  advance(block: number): Promise<void>;
}

export class SqlDepositCursor implements DepositCursor {
  readonly #contract: string;

  constructor(
    private readonly database: Database,
    contract: string,
  ) {
    this.#contract = contract.toLowerCase();
  }

  async next(): Promise<number | undefined> {
    const row = await this.database.db.selectFrom('deposit_cursors').select('next_block').where('contract', '=', this.#contract).executeTakeFirst();
    // Postgres' bigint may come back as a string.
    return row ? Number(row.next_block) : undefined;
  }

  async advance(block: number): Promise<void> {
    await this.database.db
      .insertInto('deposit_cursors')
      .values({ contract: this.#contract, next_block: block })
      .onConflict((oc) => oc.column('contract').doUpdateSet({ next_block: block }).where('deposit_cursors.next_block', '<', block))
      .execute();
  }
}
