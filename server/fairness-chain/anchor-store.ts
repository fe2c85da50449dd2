/**
 * Anchors in the database (migration 0006): each anchor (`anchors`), its leaves with their proofs
 * (`anchor_leaves`), and each room's last anchored head (`anchored_heads`), written in one
 * transaction; and the rooms whose head moved since their last anchor, read from the rooms'
 * stored records (`rooms`, `room_records`). One process writes (the lease holder); any reads.
 * @module
 */
import type { Database } from '../db/database.ts';
import type { BuiltAnchor, RoomHead } from './anchor-tree.ts';

export interface StoredAnchor {
  readonly index: number;
  readonly root: string;
  readonly leafCount: number;
  readonly createdAt: number;
}

export interface AnchoredLeaf extends RoomHead {
  readonly index: number;
  readonly root: string;
  readonly proof: readonly string[];
}

/** A room's head now; `closed`: it is the room's close record. */
export interface ChangedHead extends RoomHead {
  readonly closed: boolean;
}

/** Room ids asked about in one statement. */
const CHUNK = 500;

/** An anchor's index as the 32-byte word its Anchored event carries in topic 1 (the sender's id). */
export const anchorId = (index: number): string => BigInt(index).toString(16).padStart(64, '0');

export class AnchorStore {
  constructor(private readonly database: Database) {}

  /**
   * The heads of the rooms that changed since their last anchored head (new records, or their
   * close), at most `limit`, by room id. Open rooms are all looked at; finished rooms only those
   * filed (`closed_at`) from `closedSince` on, when given, so a period does not read every
   * finished room ever filed. A room set aside as damaged is left out (its records cannot be read back).
   */
  async changedHeads(limit: number, closedSince?: number): Promise<ChangedHead[]> {
    const rooms = () =>
      this.database.db
        .selectFrom('rooms')
        .leftJoin('anchored_heads', 'anchored_heads.room_id', 'rooms.room_id')
        .select(['rooms.room_id', 'rooms.status', 'rooms.records', 'rooms.head', 'anchored_heads.last_seq'])
        .where('rooms.damaged', 'is', null);
    const closedRooms = rooms()
      .where('rooms.status', '=', 'closed')
      .where((eb) => eb.or([eb('anchored_heads.closed', 'is', null), eb('anchored_heads.closed', '=', 0)]));
    const candidates = [
      ...(await rooms().where('rooms.status', '=', 'open').execute()),
      ...(await (closedSince === undefined ? closedRooms : closedRooms.where('rooms.closed_at', '>=', closedSince)).execute()),
    ];
    const heads: ChangedHead[] = [];
    const open: { roomId: string; anchored: number }[] = [];
    for (const r of candidates) {
      const anchored = r.last_seq === null ? -1 : Number(r.last_seq);
      if (r.status === 'closed' && r.records !== null && r.head !== null) {
        if (Number(r.records) - 1 > anchored) heads.push({ roomId: r.room_id, lastSeq: Number(r.records) - 1, headHash: r.head, closed: true });
      } else open.push({ roomId: r.room_id, anchored });
    }
    for (let i = 0; i < open.length && heads.length < limit; i += CHUNK) {
      const part = open.slice(i, i + CHUNK);
      const last = await this.database.db
        .selectFrom('room_records')
        .select(['room_id', (eb) => eb.fn.max('seq').as('seq')])
        .where(
          'room_id',
          'in',
          part.map((p) => p.roomId),
        )
        .groupBy('room_id')
        .execute();
      const moved = last.filter((l) => Number(l.seq) > part.find((p) => p.roomId === l.room_id)!.anchored);
      for (const l of moved) {
        const row = await this.database.db.selectFrom('room_records').select('hash').where('room_id', '=', l.room_id).where('seq', '=', Number(l.seq)).executeTakeFirst();
        if (row) heads.push({ roomId: l.room_id, lastSeq: Number(l.seq), headHash: row.hash, closed: false });
      }
    }
    return heads.sort((a, b) => (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0)).slice(0, limit);
  }

  /**
   * Stores the next anchor over `heads` (its index: one past the last stored), with each room's
   * new anchored head; `closed`: the rooms whose head is their close. Returns the anchor.
   */
  async store(built: BuiltAnchor, closed: ReadonlySet<string>, now: number): Promise<StoredAnchor> {
    return this.database.transaction(async (trx) => {
      const last = await trx.selectFrom('anchors').select((eb) => eb.fn.max('anchor_index').as('last')).executeTakeFirst();
      const index = last?.last === null || last?.last === undefined ? 0 : Number(last.last) + 1;
      await trx.insertInto('anchors').values({ anchor_index: index, root: built.root, leaf_count: built.leaves.length, created_at: now }).execute();
      for (let i = 0; i < built.leaves.length; i += CHUNK) {
        const part = built.leaves.slice(i, i + CHUNK);
        await trx
          .insertInto('anchor_leaves')
          .values(part.map((l) => ({ anchor_index: index, room_id: l.roomId, last_seq: l.lastSeq, head_hash: l.headHash, proof: JSON.stringify(l.proof) })))
          .execute();
        await trx
          .insertInto('anchored_heads')
          .values(part.map((l) => ({ room_id: l.roomId, last_seq: l.lastSeq, anchor_index: index, closed: closed.has(l.roomId) ? 1 : 0 })))
          .onConflict((oc) =>
            oc.column('room_id').doUpdateSet((eb) => ({ last_seq: eb.ref('excluded.last_seq'), anchor_index: eb.ref('excluded.anchor_index'), closed: eb.ref('excluded.closed') })),
          )
          .execute();
      }
      return { index, root: built.root, leafCount: built.leaves.length, createdAt: now };
    });
  }

  async anchor(index: number): Promise<StoredAnchor | undefined> {
    const row = await this.database.db.selectFrom('anchors').selectAll().where('anchor_index', '=', index).executeTakeFirst();
    return row && { index: Number(row.anchor_index), root: row.root, leafCount: Number(row.leaf_count), createdAt: Number(row.created_at) };
  }

  async leaves(index: number): Promise<RoomHead[]> {
    const rows = await this.database.db.selectFrom('anchor_leaves').select(['room_id', 'last_seq', 'head_hash']).where('anchor_index', '=', index).orderBy('room_id').execute();
    return rows.map((r) => ({ roomId: r.room_id, lastSeq: Number(r.last_seq), headHash: r.head_hash }));
  }

  /** The leaves of the anchors from `from` up to (not including) `to`, by anchor, each anchor's by room id. */
  async leavesBetween(from: number, to: number): Promise<Map<number, RoomHead[]>> {
    const rows = await this.database.db
      .selectFrom('anchor_leaves')
      .select(['anchor_index', 'room_id', 'last_seq', 'head_hash'])
      .where('anchor_index', '>=', from)
      .where('anchor_index', '<', to)
      .orderBy('anchor_index')
      .orderBy('room_id')
      .execute();
    const out = new Map<number, RoomHead[]>();
    for (const r of rows) {
      const index = Number(r.anchor_index);
      if (!out.has(index)) out.set(index, []);
      out.get(index)!.push({ roomId: r.room_id, lastSeq: Number(r.last_seq), headHash: r.head_hash });
    }
    return out;
  }

  /** Anchors from `from` on, oldest first: those to (re)queue until the chain confirms them. */
  async anchorsFrom(from: number, limit: number): Promise<StoredAnchor[]> {
    const rows = await this.database.db.selectFrom('anchors').selectAll().where('anchor_index', '>=', from).orderBy('anchor_index').limit(limit).execute();
    return rows.map((r) => ({ index: Number(r.anchor_index), root: r.root, leafCount: Number(r.leaf_count), createdAt: Number(r.created_at) }));
  }

  /** Anchors newest first, a page at a time. */
  async newestAnchors(limit: number, below?: number): Promise<StoredAnchor[]> {
    let query = this.database.db.selectFrom('anchors').selectAll().orderBy('anchor_index', 'desc').limit(limit);
    if (below !== undefined) query = query.where('anchor_index', '<', below);
    const rows = await query.execute();
    return rows.map((r) => ({ index: Number(r.anchor_index), root: r.root, leafCount: Number(r.leaf_count), createdAt: Number(r.created_at) }));
  }

  /** The room's anchored leaves, newest anchor first, a page at a time (the caller picks the newest confirmed). */
  async leavesOfRoom(roomId: string, limit: number, below?: number): Promise<AnchoredLeaf[]> {
    let query = this.database.db
      .selectFrom('anchor_leaves')
      .innerJoin('anchors', 'anchors.anchor_index', 'anchor_leaves.anchor_index')
      .select(['anchor_leaves.anchor_index', 'anchors.root', 'anchor_leaves.last_seq', 'anchor_leaves.head_hash', 'anchor_leaves.proof'])
      .where('anchor_leaves.room_id', '=', roomId)
      .orderBy('anchor_leaves.anchor_index', 'desc')
      .limit(limit);
    if (below !== undefined) query = query.where('anchor_leaves.anchor_index', '<', below);
    const rows = await query.execute();
    return rows.map((r) => ({
      index: Number(r.anchor_index),
      root: r.root,
      roomId,
      lastSeq: Number(r.last_seq),
      headHash: r.head_hash,
      proof: JSON.parse(r.proof) as string[],
    }));
  }
}
