/**
 * What the server's indexes over room records share: how they are fed, and how one that is
 * behind (a first start, rooms imported from the journals of an older version) catches up from the
 * transcripts themselves, which stay the source of truth.
 *
 * An index is told of every record once it is durable in the database (the fairness
 * context's `onRecord`), and a room is filed as closed only once `flush` says every one of its
 * records is in the index. So the records an index may lack after a crash are those of rooms
 * still open, and recovery reads those again (`recoverRooms` feeds every record of a room it
 * settles), or those of filed rooms it never saw (`unindexed`), which `catchUpIndexes` reads
 * at start. Feeding a record twice changes nothing.
 * @module
 */
import type { Logger } from 'pino';
import type { HashedRecord } from '../../vrf/protocol/records.ts';

export interface RecordIndex {
  /** A durable record of some room. Idempotent; never throws (a failure surfaces in `flush`). */
  record(record: HashedRecord): void;
  /** Resolves once every record of `roomId` told so far is in the index; rejects if one could not be put there. */
  flush(roomId: string): Promise<void>;
  /**
   * Of these filed rooms, those whose records the index may lack; `lost` if the index lost
   * what it held (the open rooms of every process must then be read again too).
   */
  unindexed(closedRoomIds: readonly string[]): Promise<{ lost: boolean; rooms: string[] }>;
  /** Told once every room `unindexed` named (and, if lost, every open room) was fed and flushed. */
  caughtUp(): Promise<void>;
}

/** Several indexes fed as one. */
export function allOf(indexes: readonly RecordIndex[]): RecordIndex & { readonly parts: readonly RecordIndex[] } {
  return {
    parts: indexes,
    record: (record) => {
      for (const index of indexes) index.record(record);
    },
    flush: async (roomId) => void (await Promise.all(indexes.map((i) => i.flush(roomId)))),
    unindexed: async (ids) => {
      const each = await Promise.all(indexes.map((i) => i.unindexed(ids)));
      return { lost: each.some((e) => e.lost), rooms: [...new Set(each.flatMap((e) => e.rooms))] };
    },
    caughtUp: async () => void (await Promise.all(indexes.map((i) => i.caughtUp()))),
  };
}

/** Where the transcripts are read from to catch up (the rooms in the database, `room-records.ts`). */
export interface TranscriptSource {
  /** Every finished room, in the order they were filed. */
  closedRoomIds(): Promise<string[]>;
  /** Every room still open, of every process. */
  openRoomIds(): Promise<string[]>;
  /** A room's records, checked; undefined if there is no such room. */
  records(roomId: string): Promise<HashedRecord[] | undefined>;
}

/**
 * Feeds each index what it lacks: the filed rooms it never saw and, for an index that lost its
 * contents, every open room too (rooms other processes are running). Each index is fed only the
 * rooms it lacks. Resolves with the number of transcripts read.
 */
export async function catchUpIndexes(indexes: readonly RecordIndex[], source: TranscriptSource, log: Logger): Promise<number> {
  const closed = await source.closedRoomIds();
  const needs = await Promise.all(indexes.map(async (index) => ({ index, ...(await index.unindexed(closed)) })));
  const open = needs.some((n) => n.lost) ? await source.openRoomIds() : [];
  const rooms = new Map<string, RecordIndex[]>();
  for (const need of needs) {
    // Filed rooms in the order they were filed, so a rebuilt draw index lists their draws oldest first, room by room.
    for (const id of [...need.rooms, ...(need.lost ? open : [])]) rooms.set(id, [...(rooms.get(id) ?? []), need.index]);
  }
  if (rooms.size > 0) log.info({ rooms: rooms.size }, 'indexing transcripts the indexes lack');
  for (const [roomId, wanting] of rooms) {
    const records = await source.records(roomId).catch((err: unknown) => {
      // One damaged transcript must not keep the server from starting: the others are indexed.
      log.error({ err, roomId }, 'cannot read a transcript to index it');
      return [];
    });
    for (const record of records ?? []) for (const index of wanting) index.record(record);
    await Promise.all(wanting.map((index) => index.flush(roomId)));
  }
  await Promise.all(needs.map((n) => n.index.caughtUp()));
  return rooms.size;
}
