/**
 * The award outbox in the database (`server/db/`, SQLite or Postgres): a row per award in
 * `awards`, whose primary key `award_id` makes recording an award twice (a retry, recovery
 * re-applying a room's records, two processes of a cluster) write it once. Each row is numbered
 * `n` in the order its transaction committed (`numbering.ts`), so the minter, wherever it runs,
 * drains awards in the order recorded and finds new ones by asking for numbers it has not seen.
 *
 * Nothing per award is kept in memory: reads are queries. The awards recorded in one event-loop
 * turn share one transaction, committed before `record` resolves. An award that must commit with
 * other rows (a cash-out's, with its chip entry and withdrawal) is inserted in the caller's
 * transaction (`insertWithin`), then announced to the listeners once committed (`announce`).
 * @module
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.ts';
import { nextNumber } from '../db/numbering.ts';
import type { AwardsTable, Schema } from '../db/schema.ts';
import { TurnBatch } from '../db/turn-batch.ts';
import { checkAwards, type Award, type AwardOutbox } from './award-sink.ts';

/** Ids asked about, or rows written, in one statement. */
const CHUNK = 500;

interface Recording {
  readonly awards: readonly Award[];
  resolve(fresh: Award[]): void;
  reject(err: unknown): void;
}

export class SqlAwardOutbox implements AwardOutbox {
  readonly #tokenIds: ReadonlySet<number>;
  readonly #listeners: ((awards: readonly Award[]) => void)[] = [];
  readonly #batches = new TurnBatch<Recording>((batch) => this.#write(batch));

  /** `tokenIds`: the token ids the contract knows; an award of any other id is refused. */
  constructor(
    private readonly database: Database,
    tokenIds: Iterable<number>,
  ) {
    this.#tokenIds = new Set(tokenIds);
  }

  /** Refuses the whole batch with InvalidAward if any award is malformed; nothing is written then. */
  async record(awards: readonly Award[]): Promise<void> {
    checkAwards(awards, this.#tokenIds);
    if (awards.length === 0) return;
    const fresh = await new Promise<Award[]>((resolve, reject) => void this.#batches.add({ awards, resolve, reject }));
    if (fresh.length > 0) for (const listener of [...this.#listeners]) listener(fresh);
  }

  /**
   * Inserts `awards` inside the caller's transaction `trx` (refused with InvalidAward if any is
   * malformed); returns those it wrote (not recorded before). Once the transaction has committed,
   * pass them to `announce`.
   */
  async insertWithin(trx: Kysely<Schema>, awards: readonly Award[]): Promise<Award[]> {
    checkAwards(awards, this.#tokenIds);
    if (awards.length === 0) return [];
    const inserted = await this.#insert(trx, [{ awards, resolve: () => undefined, reject: () => undefined }]);
    return awards.filter((a) => inserted.has(a.awardId));
  }

  /** Tells the listeners (the minter's wake-up) of awards written by `insertWithin` and committed. */
  announce(awards: readonly Award[]): void {
    if (awards.length > 0) for (const listener of [...this.#listeners]) listener(awards);
  }

  async get(awardId: string): Promise<Award | undefined> {
    const row = await this.database.db.selectFrom('awards').selectAll().where('award_id', '=', awardId).executeTakeFirst();
    return row && awardOf(row);
  }

  async has(awardId: string): Promise<boolean> {
    return (await this.database.db.selectFrom('awards').select('award_id').where('award_id', '=', awardId).executeTakeFirst()) !== undefined;
  }

  async awardsOf(player: string): Promise<Award[]> {
    const rows = await this.database.db.selectFrom('awards').selectAll().where('address', '=', player.toLowerCase()).orderBy('n').execute();
    return rows.map(awardOf);
  }

  async count(): Promise<number> {
    const row = await this.database.db.selectFrom('awards').select((eb) => eb.fn.countAll().as('count')).executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async unminted(contract: string, after: number, limit: number): Promise<{ awards: Award[]; through: number }> {
    const db = this.database.db;
    // Up to the highest number now: rows committed later have higher numbers (numbering.ts).
    const top = await db.selectFrom('awards').select((eb) => eb.fn.max('n').as('n')).executeTakeFirst();
    const highest = Number(top?.n ?? 0);
    if (highest <= after) return { awards: [], through: after };
    const rows = await db
      .selectFrom('awards')
      .leftJoin('minted_awards', (join) => join.onRef('minted_awards.award_id', '=', 'awards.award_id').on('minted_awards.contract', '=', contract.toLowerCase()))
      .selectAll('awards')
      .where('minted_awards.award_id', 'is', null)
      .where('awards.n', '>', after)
      .where('awards.n', '<=', highest)
      .orderBy('awards.n')
      .limit(limit)
      .execute();
    return { awards: rows.map(awardOf), through: rows.length === limit ? Number(rows.at(-1)!.n) : highest };
  }

  onRecorded(listener: (awards: readonly Award[]) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at >= 0) this.#listeners.splice(at, 1);
    };
  }

  async close(): Promise<void> {
    await this.#batches.last;
  }

  /** One transaction for a turn's recordings; each learns which of its awards were new. */
  async #write(batch: readonly Recording[]): Promise<void> {
    let inserted: Set<string>;
    try {
      inserted = await this.database.transaction((trx) => this.#insert(trx, batch));
    } catch (err) {
      const failure = new Error(`could not write awards to the database ${this.database.where}: ${(err as Error).message}`, { cause: err });
      for (const r of batch) r.reject(failure);
      return;
    }
    // An award recorded twice in one turn is new once, to the first recording of it.
    const told = new Set<string>();
    for (const r of batch) {
      const fresh: Award[] = [];
      for (const a of r.awards) {
        if (!inserted.has(a.awardId) || told.has(a.awardId)) continue;
        told.add(a.awardId);
        fresh.push(a);
      }
      r.resolve(fresh);
    }
  }

  async #insert(trx: Kysely<Schema>, batch: readonly Recording[]): Promise<Set<string>> {
    const candidates = new Map<string, Award>();
    for (const r of batch) for (const a of r.awards) if (!candidates.has(a.awardId)) candidates.set(a.awardId, a);
    // The number is taken first: it holds the writers' lock, so no other process inserts these meanwhile.
    let n = await nextNumber(trx, this.database.dialect, 'awards');
    const ids = [...candidates.keys()];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const known = await trx.selectFrom('awards').select('award_id').where('award_id', 'in', ids.slice(i, i + CHUNK)).execute();
      for (const row of known) candidates.delete(row.award_id);
    }
    const fresh = [...candidates.values()];
    const inserted = new Set<string>();
    for (let i = 0; i < fresh.length; i += CHUNK) {
      const rows = await trx
        .insertInto('awards')
        .values(fresh.slice(i, i + CHUNK).map((a) => rowOf(a, n++)))
        .onConflict((oc) => oc.column('award_id').doNothing())
        .returning('award_id')
        .execute();
      for (const row of rows) inserted.add(row.award_id);
    }
    return inserted;
  }
}

function rowOf(a: Award, n: number): AwardsTable {
  return {
    award_id: a.awardId,
    n,
    player: a.player,
    address: a.player.toLowerCase(),
    token_id: a.tokenId,
    amount: a.amount,
    room_id: a.source.roomId,
    draw_seq: a.source.drawSeq,
    record_seq: a.source.recordSeq,
    record_hash: a.source.recordHash,
  };
}

function awardOf(row: Selectable<AwardsTable>): Award {
  return {
    awardId: row.award_id,
    player: row.player,
    tokenId: Number(row.token_id),
    amount: Number(row.amount),
    source: { roomId: row.room_id, drawSeq: Number(row.draw_seq), recordSeq: Number(row.record_seq), recordHash: row.record_hash },
  };
}
