/**
 * What the server's indexes over room records share: how they are fed, and how one that is
 * behind (a first start, a lost index file, a Redis that lost its keys) catches up from the
 * transcripts themselves, which stay the source of truth.
 *
 * An index is told of every record once it is durable in its room's journal (the fairness
 * context's `onRecord`), and a room is filed as closed only once `flush` says every one of its
 * records is in the index. So the records an index may lack after a crash are those of rooms
 * still open, and recovery reads those again (`recoverRooms` feeds every record of a room it
 * settles), or those of filed rooms it never saw (`unindexed`), which `catchUpIndexes` reads
 * at start. Feeding a record twice changes nothing.
 * @module
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { parseEntry } from '../fairness/room-journal.ts';
import { Journal } from '../storage/journal.ts';

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

const roomIdsIn = async (dir: string): Promise<string[]> =>
  (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.jsonl')).map((n) => n.slice(0, -'.jsonl'.length));

/** Rooms in the order their files were last written (filing order, for filed rooms), then by id. */
async function inWriteOrder(rooms: { id: string; dir: string }[]): Promise<{ id: string; dir: string }[]> {
  const timed = await Promise.all(rooms.map(async (r) => ({ ...r, at: (await stat(join(r.dir, `${r.id}.jsonl`)).catch(() => undefined))?.mtimeMs ?? Infinity })));
  return timed.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(({ id, dir }) => ({ id, dir }));
}

/**
 * Feeds each index what it lacks: the filed rooms it never saw and, for an index that lost its
 * contents, every room of `openDirs` too (rooms other processes are running). Each index is fed
 * only the rooms it lacks. Resolves with the number of transcripts read.
 */
export async function catchUpIndexes(
  indexes: readonly RecordIndex[],
  dirs: { closedDir: string; openDirs: () => Promise<string[]> },
  log: Logger,
): Promise<number> {
  const closed = await roomIdsIn(dirs.closedDir);
  const needs = await Promise.all(indexes.map(async (index) => ({ index, ...(await index.unindexed(closed)) })));
  const open = needs.some((n) => n.lost) ? (await Promise.all((await dirs.openDirs()).map(async (dir) => (await roomIdsIn(dir)).map((id) => ({ id, dir }))))).flat() : [];
  const rooms = new Map<string, { id: string; dir: string; for: RecordIndex[] }>();
  for (const need of needs) {
    // Filed rooms in the order they were filed, so a rebuilt draw index lists their draws oldest first, room by room.
    const wanted = [...(await inWriteOrder(need.rooms.map((id) => ({ id, dir: dirs.closedDir })))), ...(need.lost ? open : [])];
    for (const room of wanted) {
      const entry = rooms.get(room.id) ?? { ...room, for: [] };
      entry.for.push(need.index);
      rooms.set(room.id, entry);
    }
  }
  if (rooms.size > 0) log.info({ rooms: rooms.size }, 'indexing transcripts the indexes lack');
  for (const room of rooms.values()) {
    // A room filed while we look has moved from its open directory to the closed one.
    const records = await readRecords(join(room.dir, `${room.id}.jsonl`)).catch((e: NodeJS.ErrnoException) =>
      e.code === 'ENOENT' ? readRecords(join(dirs.closedDir, `${room.id}.jsonl`)) : Promise.reject(e),
    ).catch((err: unknown) => {
      // One damaged transcript must not keep the server from starting: the others are indexed.
      log.error({ err, roomId: room.id }, 'cannot read a transcript to index it');
      return [];
    });
    for (const record of records) for (const index of room.for) index.record(record);
    await Promise.all(room.for.map((index) => index.flush(room.id)));
  }
  await Promise.all(needs.map((n) => n.index.caughtUp()));
  return rooms.size;
}

async function readRecords(path: string): Promise<HashedRecord[]> {
  return (await Journal.read(path, parseEntry)).flatMap((e) => ('record' in e ? [e.record] : []));
}
