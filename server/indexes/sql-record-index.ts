/**
 * What the database's indexes over room records share (`sql-commitments.ts`, `sql-draws.ts`):
 * records are written in batches, one transaction per event-loop turn, in the order they came;
 * each room's writes are tracked, so a room is filed only once its records are in the database
 * (a write that failed is tried again when the room is flushed, and until then the room's later
 * records wait behind it); and a room whose close record came is marked held whole
 * (`indexed_rooms`) once every other record of it is in, which is how a start knows which filed
 * rooms it need not read again (`catchUpIndexes`).
 *
 * Every write is idempotent (a key, and `on conflict do nothing`), so a record fed again
 * (recovery, a catch-up) changes nothing. The database keeps what it holds, so `unindexed` never
 * reports it lost.
 * @module
 */
import type { Kysely } from 'kysely';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import type { Database } from '../db/database.ts';
import { TurnBatch } from '../db/turn-batch.ts';
import type { Schema } from '../db/schema.ts';
import type { RecordIndex } from './record-index.ts';

const RETRIES_MS = [200, 1_000, 3_000];
/** Rooms asked about in one query by `unindexed`. */
const CHUNK = 500;

export abstract class SqlRecordIndex implements RecordIndex {
  /** Records written a turn's worth at a time, each batch after the one before it. */
  readonly #batches = new TurnBatch<HashedRecord>((records) => this.#writeBatch(records));
  /** Per room, the last batch holding one of its records. */
  readonly #inFlight = new Map<string, Promise<void>>();
  /** Per room, records whose write failed (and the room's records after them), in order. */
  readonly #failed = new Map<string, HashedRecord[]>();
  /** Rooms whose close record came: marked held whole once flushed. */
  readonly #closing = new Set<string>();

  constructor(
    protected readonly database: Database,
    /** This index's name in `indexed_rooms`. */
    private readonly name: string,
  ) {}

  /** Whether the index writes anything for this record. */
  protected abstract wants(record: HashedRecord): boolean;
  /** Writes these records (in order) inside the batch's transaction. */
  protected abstract write(trx: Kysely<Schema>, records: readonly HashedRecord[]): Promise<void>;

  record(record: HashedRecord): void {
    if (record.type === 'close') return void this.#closing.add(record.roomId);
    if (!this.wants(record)) return;
    this.#inFlight.set(record.roomId, this.#batches.add(record));
  }

  async flush(roomId: string): Promise<void> {
    const batch = this.#inFlight.get(roomId);
    if (batch) {
      await batch;
      if (this.#inFlight.get(roomId) === batch) this.#inFlight.delete(roomId);
    }
    for (const wait of [...RETRIES_MS, undefined]) {
      try {
        for (let failed = this.#failed.get(roomId); failed; failed = this.#failed.get(roomId)) {
          const again = [...failed];
          await this.database.transaction((trx) => this.write(trx, again));
          failed.splice(0, again.length); // records told meanwhile stay, after these
          if (failed.length === 0) this.#failed.delete(roomId);
        }
        // Held whole only once every other record of the room is in.
        if (this.#closing.has(roomId)) {
          await this.database.db
            .insertInto('indexed_rooms')
            .values({ index_name: this.name, room_id: roomId })
            .onConflict((oc) => oc.columns(['index_name', 'room_id']).doNothing())
            .execute();
          this.#closing.delete(roomId);
        }
        return;
      } catch (err) {
        if (wait === undefined) throw new Error(`could not index room ${roomId} in the database ${this.database.where}: ${(err as Error).message}`, { cause: err });
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  async unindexed(closedRoomIds: readonly string[]): Promise<{ lost: boolean; rooms: string[] }> {
    const held = new Set<string>();
    for (let i = 0; i < closedRoomIds.length; i += CHUNK) {
      const rows = await this.database.db
        .selectFrom('indexed_rooms')
        .select('room_id')
        .where('index_name', '=', this.name)
        .where('room_id', 'in', closedRoomIds.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) held.add(r.room_id);
    }
    return { lost: false, rooms: closedRoomIds.filter((id) => !held.has(id)) };
  }

  async caughtUp(): Promise<void> {}

  /** Resolves once every record told so far was written (or its write failed and waits for its room's flush). */
  settled(): Promise<void> {
    return this.#batches.last;
  }

  /** Never rejects: a failed batch's records wait, per room, for the room's flush. */
  async #writeBatch(records: HashedRecord[]): Promise<void> {
    // A room with a failed record keeps its later ones behind it (an end is written on its receipt's draw).
    const now = records.filter((r) => {
      const failed = this.#failed.get(r.roomId);
      if (failed) failed.push(r);
      return !failed;
    });
    if (now.length === 0) return;
    try {
      await this.database.transaction((trx) => this.write(trx, now));
    } catch {
      for (const r of now) {
        const failed = this.#failed.get(r.roomId) ?? [];
        failed.push(r);
        this.#failed.set(r.roomId, failed);
      }
    }
  }
}
