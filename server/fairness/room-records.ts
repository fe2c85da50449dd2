/**
 * Rooms and their transcripts in the database (`rooms`, `room_records`, `room_reveals`), one
 * implementation for SQLite and PostgreSQL, shared by every process of a cluster.
 *
 * A record's or reveal's write resolves only once its transaction has committed: nobody is told
 * of a record before it is durable. Writes gathered during one event-loop turn, across every
 * room, go in one transaction (`TurnBatch`), so a busy turn costs one commit. Nothing per record
 * stays in memory: a room's records are read back from the database when asked for, and checked
 * on reading like any input (`parseEntry`: the schema, and the hash recomputed); but for the
 * transcripts served over HTTP, which are the stored JSON as written (`storedRecords`: checked
 * before it was written, and by every verifier that reads it).
 * @module
 */
import type { Kysely } from 'kysely';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import type { Database } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import { TurnBatch } from '../db/turn-batch.ts';
import { DamagedRecord } from './damaged-record.ts';
import { parseEntry, type RoomReveal } from './room-journal.ts';

export interface ClosedRoom {
  readonly roomId: string;
  /** From the close record: when the room was filed (ms since 1970), its draws and records, and the close record's hash. */
  readonly closedAt: number;
  readonly draws: number;
  readonly records: number;
  readonly head: string;
}

export interface ClosedRoomsPage {
  readonly rooms: ClosedRoom[];
  /** Pass as `after` for the next page; null after the last. */
  readonly next: string | null;
}

/** A room as filed: open, or closed with its record count and the close record's hash. */
export type RoomFiling = { readonly status: 'open' } | { readonly status: 'closed'; readonly records: number; readonly head: string };

/** A record's row: its seq, hash and JSON text as stored. */
export interface StoredRecord {
  readonly seq: number;
  readonly hash: string;
  readonly json: string;
}

/** What a running room writes and reads back: its own records and reveals. */
export interface RoomLog {
  /** Resolves once the record is durable, after every record appended before it. */
  appendRecord(record: HashedRecord): Promise<void>;
  /** Resolves once the reveal is durable (private: never in the transcript). */
  appendReveal(reveal: RoomReveal): Promise<void>;
  /** The room's durable records, in order. */
  records(): Promise<HashedRecord[]>;
  reveals(): Promise<RoomReveal[]>;
}

/**
 * Where rooms and their transcripts are kept, for the room store, recovery (this process's, and
 * a survivor's for a dead one), the listing of finished rooms, the indexes' catch-up and the
 * import of old journals.
 */
export interface RoomRecords {
  /**
   * The log of a new room owned by `owner`, which is stored nowhere until its first record: that
   * record's transaction creates the room. Throws RoomIdUsed if the id was ever used, and the
   * first record's write fails so if the id is taken meanwhile.
   */
  start(roomId: string, owner: string, openedAt?: number): Promise<RoomLog>;
  /** The log of a room already stored, for its RoomTranscript. */
  log(roomId: string): RoomLog;
  /** A room's durable records in order (or `limit` of them from seq `from`), each checked; undefined if there is no such room. */
  records(roomId: string, page?: { from: number; limit: number }): Promise<HashedRecord[] | undefined>;
  /** How many durable records a room has. */
  recordCount(roomId: string): Promise<number>;
  /** A room's status and, once filed as finished, its record count and close record's hash; undefined if there is no such room. */
  filing(roomId: string): Promise<RoomFiling | undefined>;
  /**
   * The stored JSON text of the records with seq in [from, from + limit), in order, as written:
   * each was checked before it was written, so it is served without parsing it again.
   */
  storedRecords(roomId: string, from: number, limit: number): Promise<StoredRecord[]>;
  reveals(roomId: string): Promise<RoomReveal[]>;
  /** Rooms `owner` left open, oldest first. */
  leftOpen(owner: string): Promise<string[]>;
  /** Every owner with a room open. */
  ownersWithOpenRooms(): Promise<string[]>;
  openRoomIds(): Promise<string[]>;
  /** Every finished room, in filing order. */
  closedRoomIds(): Promise<string[]>;
  /** Files a room as finished: its last durable record must be its close record. */
  markClosed(roomId: string): Promise<void>;
  /** Sets a room aside whose records cannot be read back: no longer open to anyone, served as damaged with `reason`. */
  quarantine(roomId: string, reason: string, at: number): Promise<void>;
  /** Why a room was set aside, and when; undefined for a sound room or no room. */
  damage(roomId: string): Promise<{ reason: string; at: number } | undefined>;
  closedRooms(opts: { after?: string; limit: number }): Promise<ClosedRoomsPage>;
  /** Writes a whole room from elsewhere, idempotently: closed if it ends in a close record, else open and owned by `owner`. */
  importRoom(roomId: string, owner: string, records: readonly HashedRecord[], reveals: readonly RoomReveal[]): Promise<void>;
  /** Resolves once every write begun so far is done (or failed). */
  settled(): Promise<void>;
}

/** Thrown when a room id is taken: a room id is never reused, not even a finished room's. */
export class RoomIdUsed extends Error {}

/** A room created by its first record's write: who owns it and when it opened. */
type Opening = { readonly owner: string; readonly openedAt: number };
type Write = { readonly roomId: string; readonly record?: HashedRecord; readonly reveal?: RoomReveal; readonly opens?: Opening; failed?: Error };

/** Rows per insert statement (SQLite's limit on bound variables). */
const CHUNK = 500;

export class SqlRoomRecords implements RoomRecords {
  readonly #batches = new TurnBatch<Write>((writes) => this.#write(writes));
  /** Rooms one of whose writes failed: their later records would leave a gap, so they are refused. */
  readonly #broken = new Set<string>();

  constructor(private readonly database: Database) {}

  /**
   * A new room's log. Nothing is written now, so a room created and disposed without a record
   * leaves nothing; its first record's transaction inserts the `rooms` row (`writeAll`), which
   * refuses an id taken meanwhile (ids are random: a clash is a bug or an attack, never reuse).
   */
  async start(roomId: string, owner: string, openedAt = Date.now()): Promise<RoomLog> {
    if (await this.room(roomId)) throw new RoomIdUsed(`room id ${roomId} was used before`);
    return this.log(roomId, { owner, openedAt });
  }

  /** The room's log, for its RoomTranscript; `opens` for a room its first record creates. */
  log(roomId: string, opens?: Opening): RoomLog {
    return {
      appendRecord: (record) => this.#append({ roomId, record, ...(opens && record.seq === 0 ? { opens } : {}) }),
      appendReveal: (reveal) => this.#append({ roomId, reveal }),
      records: async () => (await this.records(roomId)) ?? [],
      reveals: () => this.reveals(roomId),
    };
  }

  /** The owner and status of a room, or undefined if there is none. */
  async room(roomId: string): Promise<{ owner: string; status: 'open' | 'closed' } | undefined> {
    return this.database.db.selectFrom('rooms').select(['owner', 'status']).where('room_id', '=', roomId).executeTakeFirst();
  }

  async records(roomId: string, page?: { from: number; limit: number }): Promise<HashedRecord[] | undefined> {
    let query = this.database.db.selectFrom('room_records').select(['seq', 'hash', 'json']).where('room_id', '=', roomId).orderBy('seq');
    if (page) query = query.where('seq', '>=', page.from).limit(page.limit);
    const rows = await query.execute();
    if (rows.length === 0 && !(await this.room(roomId))) return undefined;
    const from = page?.from ?? 0;
    return rows.map((row, i) => {
      let entry: ReturnType<typeof parseEntry>;
      try {
        entry = parseEntry({ record: JSON.parse(row.json) as unknown });
      } catch (cause) {
        throw new DamagedRecord(roomId, Number(row.seq), `it does not read back as a record (${(cause as Error).message.slice(0, 200)})`, { cause });
      }
      if (!('record' in entry) || entry.record.seq !== from + i || row.seq !== from + i || entry.record.hash !== row.hash)
        throw new DamagedRecord(roomId, Number(row.seq), 'it is not the record at its place in the database');
      return entry.record;
    });
  }

  async recordCount(roomId: string): Promise<number> {
    // A room's records are seq 0, 1, ... with no gap (each write follows the last, and a room
    // whose write failed takes no more): the last seq, one step down the key's index, counts them
    // at any size, where count(*) would walk every row.
    const row = await this.database.db.selectFrom('room_records').select('seq').where('room_id', '=', roomId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return row ? Number(row.seq) + 1 : 0;
  }

  async filing(roomId: string): Promise<RoomFiling | undefined> {
    const row = await this.database.db.selectFrom('rooms').select(['status', 'records', 'head']).where('room_id', '=', roomId).executeTakeFirst();
    if (!row) return undefined;
    return row.status === 'closed' && row.records !== null && row.head !== null ? { status: 'closed', records: row.records, head: row.head } : { status: 'open' };
  }

  async storedRecords(roomId: string, from: number, limit: number): Promise<StoredRecord[]> {
    const rows = await this.database.db
      .selectFrom('room_records')
      .select(['seq', 'hash', 'json'])
      .where('room_id', '=', roomId)
      .where('seq', '>=', from)
      .where('seq', '<', from + limit)
      .orderBy('seq')
      .execute();
    // Postgres' bigint may come back as a string.
    return rows.map((r) => ({ seq: Number(r.seq), hash: r.hash, json: r.json }));
  }

  async reveals(roomId: string): Promise<RoomReveal[]> {
    const rows = await this.database.db.selectFrom('room_reveals').select(['draw_seq', 'address', 'seed']).where('room_id', '=', roomId).execute();
    return rows.map((r) => ({ drawSeq: r.draw_seq, address: r.address, seed: r.seed }));
  }

  /** Rooms `owner` left open (it stopped before they finished), oldest first. */
  async leftOpen(owner: string): Promise<string[]> {
    const rows = await this.database.db.selectFrom('rooms').select('room_id').where('status', '=', 'open').where('damaged', 'is', null).where('owner', '=', owner).orderBy('opened_at').orderBy('room_id').execute();
    return rows.map((r) => r.room_id);
  }

  /** Every owner with a room open: running it, or having died before finishing it. */
  async ownersWithOpenRooms(): Promise<string[]> {
    const rows = await this.database.db.selectFrom('rooms').select('owner').distinct().where('status', '=', 'open').where('damaged', 'is', null).execute();
    return rows.map((r) => r.owner);
  }

  /** Every open room, of every owner (for an index that must read them again). */
  async openRoomIds(): Promise<string[]> {
    const rows = await this.database.db.selectFrom('rooms').select('room_id').where('status', '=', 'open').where('damaged', 'is', null).orderBy('opened_at').orderBy('room_id').execute();
    return rows.map((r) => r.room_id);
  }

  /** Every finished room, in the order they were filed. */
  async closedRoomIds(): Promise<string[]> {
    const rows = await this.database.db.selectFrom('rooms').select('room_id').where('status', '=', 'closed').orderBy('closed_at').orderBy('room_id').execute();
    return rows.map((r) => r.room_id);
  }

  /** Files a room as finished: its last durable record must be its close record. */
  async markClosed(roomId: string): Promise<void> {
    await this.database.transaction(async (trx) => {
      const last = await trx.selectFrom('room_records').select('json').where('room_id', '=', roomId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const entry = last && parseEntry({ record: JSON.parse(last.json) as unknown });
      if (!entry || !('record' in entry) || entry.record.type !== 'close') throw new Error(`room ${roomId} has no close record to file it by`);
      const close = entry.record;
      await trx
        .updateTable('rooms')
        .set({ status: 'closed', closed_at: close.closedAt, draws: close.drawSeq, records: close.seq + 1, head: close.hash })
        .where('room_id', '=', roomId)
        .execute();
    });
  }

  /**
   * Sets a room aside: its row stays (its id is never reused, its records are kept for whoever
   * looks into it), marked damaged with why and when, so recovery, the cluster's survivors and
   * the index catch-up no longer read it, and its transcript route answers that it is damaged.
   */
  async quarantine(roomId: string, reason: string, at: number): Promise<void> {
    await this.database.db.updateTable('rooms').set({ damaged: reason, damaged_at: at }).where('room_id', '=', roomId).execute();
  }

  async damage(roomId: string): Promise<{ reason: string; at: number } | undefined> {
    const row = await this.database.db.selectFrom('rooms').select(['damaged', 'damaged_at']).where('room_id', '=', roomId).executeTakeFirst();
    return row?.damaged ? { reason: row.damaged, at: Number(row.damaged_at) } : undefined;
  }

  /** The finished rooms, in the order they were filed (close time, then id), a page at a time. */
  async closedRooms(opts: { after?: string; limit: number }): Promise<ClosedRoomsPage> {
    let query = this.database.db
      .selectFrom('rooms')
      .select(['room_id', 'closed_at', 'draws', 'records', 'head'])
      .where('status', '=', 'closed')
      .orderBy('closed_at')
      .orderBy('room_id')
      .limit(opts.limit + 1);
    const cursor = opts.after?.match(/^(\d+)\.(.+)$/);
    if (cursor) {
      const [closedAt, roomId] = [Number(cursor[1]), cursor[2]!];
      query = query.where((eb) => eb.or([eb('closed_at', '>', closedAt), eb.and([eb('closed_at', '=', closedAt), eb('room_id', '>', roomId)])]));
    }
    const rows = await query.execute();
    const rooms = rows.slice(0, opts.limit).map((r) => ({ roomId: r.room_id, closedAt: r.closed_at!, draws: r.draws!, records: r.records!, head: r.head! }));
    const last = rooms.at(-1);
    return { rooms, next: last && rows.length > opts.limit ? `${last.closedAt}.${last.roomId}` : null };
  }

  /**
   * Writes a whole room from elsewhere (a journal of the version before the database), in one
   * transaction: filed as closed if its last record is a close record, else open and owned by
   * `owner` (so recovery settles it). Idempotent: what is already there stays.
   */
  async importRoom(roomId: string, owner: string, records: readonly HashedRecord[], reveals: readonly RoomReveal[]): Promise<void> {
    const close = records.at(-1)?.type === 'close' ? records.at(-1) : undefined;
    const openedAt = records[0]?.type === 'receipt' ? records[0].issuedAt : close?.type === 'close' ? close.closedAt : Date.now();
    await this.database.transaction(async (trx) => {
      await trx.insertInto('rooms').values({ room_id: roomId, owner, status: 'open', opened_at: openedAt }).onConflict((oc) => oc.column('room_id').doNothing()).execute();
      await insertRows(trx, roomId, records, reveals);
      if (close?.type === 'close')
        await trx
          .updateTable('rooms')
          .set({ status: 'closed', closed_at: close.closedAt, draws: close.drawSeq, records: close.seq + 1, head: close.hash })
          .where('room_id', '=', roomId)
          .execute();
    });
  }

  /** Resolves once every write begun so far is done (or failed). */
  settled(): Promise<void> {
    return this.#batches.last;
  }

  async #append(write: Write): Promise<void> {
    if (this.#broken.has(write.roomId)) throw brokenRoom(write.roomId);
    await this.#batches.add(write);
    if (write.failed) throw write.failed;
  }

  /** One transaction for the batch; if it fails, each write alone, so one bad write fails only its room. */
  async #write(all: Write[]): Promise<void> {
    // A room may have broken after these were added: none of its later writes goes in.
    const writes = all.filter((w) => {
      if (this.#broken.has(w.roomId)) w.failed = brokenRoom(w.roomId);
      return !w.failed;
    });
    if (writes.length === 0) return;
    try {
      await this.database.transaction((trx) => writeAll(trx, writes));
      return;
    } catch {
      // Each alone below: the error that counts is the one of the write that fails alone.
    }
    for (const w of writes) {
      if (this.#broken.has(w.roomId)) {
        w.failed = brokenRoom(w.roomId);
        continue;
      }
      try {
        await this.database.transaction((trx) => writeAll(trx, [w]));
      } catch (err) {
        this.#broken.add(w.roomId);
        w.failed = new Error(`room ${w.roomId}: cannot write to the database ${this.database.where}: ${(err as Error).message}`, { cause: err });
      }
    }
  }
}

const brokenRoom = (roomId: string): Error => new Error(`room ${roomId}: an earlier write failed; nothing more is written`);

async function writeAll(trx: Kysely<Schema>, writes: readonly Write[]): Promise<void> {
  for (const w of writes) if (w.opens && w.record) await openRoomRow(trx, w.roomId, w.opens, w.record);
  const records = writes.flatMap((w) => (w.record ? [{ room_id: w.roomId, seq: w.record.seq, hash: w.record.hash, json: JSON.stringify(w.record) }] : []));
  const reveals = writes.flatMap((w) => (w.reveal ? [{ room_id: w.roomId, draw_seq: w.reveal.drawSeq, address: w.reveal.address, seed: w.reveal.seed }] : []));
  // A row already there is this very write only if it is the same (a transaction run again after
  // its COMMIT went through but the answer was lost, database.ts); anything else there is a seq
  // written twice, or a reveal given twice, and refused.
  for (let i = 0; i < records.length; i += CHUNK) {
    const chunk = records.slice(i, i + CHUNK);
    const inserted = await trx.insertInto('room_records').values(chunk).onConflict((oc) => oc.columns(['room_id', 'seq']).doNothing()).returning(['room_id', 'seq']).execute();
    if (inserted.length === chunk.length) continue;
    const written = new Set(inserted.map((r) => `${r.room_id}/${Number(r.seq)}`));
    for (const r of chunk.filter((c) => !written.has(`${c.room_id}/${c.seq}`))) {
      const stored = await trx.selectFrom('room_records').select('hash').where('room_id', '=', r.room_id).where('seq', '=', r.seq).executeTakeFirst();
      if (stored?.hash !== r.hash) throw new Error(`room ${r.room_id}: record ${r.seq} is already written, with another hash`);
    }
  }
  for (let i = 0; i < reveals.length; i += CHUNK) {
    const chunk = reveals.slice(i, i + CHUNK);
    const inserted = await trx.insertInto('room_reveals').values(chunk).onConflict((oc) => oc.columns(['room_id', 'draw_seq', 'address']).doNothing()).returning(['room_id', 'draw_seq', 'address']).execute();
    if (inserted.length === chunk.length) continue;
    const written = new Set(inserted.map((r) => `${r.room_id}/${Number(r.draw_seq)}/${r.address}`));
    for (const r of chunk.filter((c) => !written.has(`${c.room_id}/${c.draw_seq}/${c.address}`))) {
      const stored = await trx.selectFrom('room_reveals').select('seed').where('room_id', '=', r.room_id).where('draw_seq', '=', r.draw_seq).where('address', '=', r.address).executeTakeFirst();
      if (stored?.seed !== r.seed) throw new Error(`room ${r.room_id}: a seed of draw ${r.draw_seq} is already written for ${r.address}`);
    }
  }
}

/**
 * Inserts a new room's row with its first record. A row already there is this very write only if
 * the room's record 0 is this record (a transaction run again after its commit went through
 * unanswered); anything else is an id used before, refused.
 */
async function openRoomRow(trx: Kysely<Schema>, roomId: string, opens: Opening, first: HashedRecord): Promise<void> {
  const inserted = await trx
    .insertInto('rooms')
    .values({ room_id: roomId, owner: opens.owner, status: 'open', opened_at: opens.openedAt })
    .onConflict((oc) => oc.column('room_id').doNothing())
    .returning('room_id')
    .execute();
  if (inserted.length > 0) return;
  const stored = await trx.selectFrom('room_records').select('hash').where('room_id', '=', roomId).where('seq', '=', 0).executeTakeFirst();
  if (stored?.hash !== first.hash) throw new RoomIdUsed(`room id ${roomId} was used before`);
}

async function insertRows(trx: Kysely<Schema>, roomId: string, records: readonly HashedRecord[], reveals: readonly RoomReveal[]): Promise<void> {
  const recordRows = records.map((r) => ({ room_id: roomId, seq: r.seq, hash: r.hash, json: JSON.stringify(r) }));
  const revealRows = reveals.map((r) => ({ room_id: roomId, draw_seq: r.drawSeq, address: r.address, seed: r.seed }));
  for (let i = 0; i < recordRows.length; i += CHUNK)
    await trx.insertInto('room_records').values(recordRows.slice(i, i + CHUNK)).onConflict((oc) => oc.columns(['room_id', 'seq']).doNothing()).execute();
  for (let i = 0; i < revealRows.length; i += CHUNK)
    await trx.insertInto('room_reveals').values(revealRows.slice(i, i + CHUNK)).onConflict((oc) => oc.columns(['room_id', 'draw_seq', 'address']).doNothing()).execute();
}
