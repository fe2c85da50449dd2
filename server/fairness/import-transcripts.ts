/**
 * Room transcripts of the version before the database: JSON-lines journals in DATA_DIR
 * (`rooms/closed/`, `rooms/open/`, and a cluster's `nodes/<id>/rooms-open/`), imported once at
 * start, before recovery. Each is read as before (`readOldJournal` + `parseEntry`: every record's
 * hash checked) and written whole, idempotently: a finished room as closed, a room left open as
 * open and owned by the process that ran it, so recovery settles it. Then the directories are
 * renamed (`rooms.imported`, `rooms-open.imported`) so the import runs once; a damaged file is
 * left there, never stopping the start: its room is imported as far as it reads and set aside as
 * damaged (its transcript route says so), and the damage is reported.
 * @module
 */
import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { readOldJournal } from '../storage/old-journal-reader.ts';
import { parseEntry, type RoomReveal } from './room-journal.ts';
import type { DamageSink } from '../storage/damage.ts';
import type { RoomRecords } from './room-records.ts';
import { isRoomId } from './room-store.ts';

export interface ImportOptions {
  /** Owner of the rooms `rooms/open/` holds: this process. */
  readonly owner: string;
  /** Owner of the rooms `nodes/<id>/rooms-open/` holds: that process in a cluster (its id), else this one. */
  readonly ownerOfNode: (nodeId: string) => string;
  readonly log: Logger;
  /** Told of each damaged transcript: its room is imported as far as it reads, and set aside. */
  readonly damage?: DamageSink;
}

/** Imports every old transcript; resolves with how many rooms were imported. */
export async function importRoomTranscripts(dataDir: string, store: RoomRecords, opts: ImportOptions): Promise<number> {
  const nodes = (await readdir(join(dataDir, 'nodes'), { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory()).map((d) => d.name);
  const sources = [
    { dir: join(dataDir, 'rooms', 'closed'), owner: opts.owner },
    { dir: join(dataDir, 'rooms', 'open'), owner: opts.owner },
    ...nodes.map((id) => ({ dir: join(dataDir, 'nodes', id, 'rooms-open'), owner: opts.ownerOfNode(id) })),
  ];
  let imported = 0;
  let failed = false;
  for (const { dir, owner } of sources) {
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.jsonl'));
    for (const name of names) {
      const roomId = name.slice(0, -'.jsonl'.length);
      const path = join(dir, name);
      let room: { records: HashedRecord[]; reveals: RoomReveal[] };
      try {
        if (!isRoomId(roomId)) throw new Error('not a room id');
        const entries = await readOldJournal(path, parseEntry);
        room = { records: entries.flatMap((e) => ('record' in e ? [e.record] : [])), reveals: entries.flatMap((e) => ('reveal' in e ? [e.reveal] : [])) };
      } catch (err) {
        if (!isRoomId(roomId) || !opts.damage) {
          opts.log.error({ err, path }, 'cannot read an old room transcript: not imported (it stays with the imported files)');
          continue;
        }
        await setAside(store, roomId, owner, path, (err as Error).message, opts.damage).catch((e: unknown) => {
          failed = true;
          opts.log.error({ err: e, path }, 'cannot set a damaged old room transcript aside in the database');
        });
        continue;
      }
      try {
        await store.importRoom(roomId, owner, room.records, room.reveals);
        imported++;
      } catch (err) {
        // The database failed, not the file: left in place to be imported at the next start.
        failed = true;
        opts.log.error({ err, path }, 'cannot import an old room transcript into the database');
      }
    }
  }
  if (failed) return imported;
  const moves = [{ from: join(dataDir, 'rooms'), to: join(dataDir, 'rooms.imported') }, ...nodes.map((id) => ({ from: join(dataDir, 'nodes', id, 'rooms-open'), to: join(dataDir, 'nodes', id, 'rooms-open.imported') }))];
  for (const { from, to } of moves)
    await rename(from, to).catch((err: NodeJS.ErrnoException) => {
      // Another process of the cluster may have moved it first.
      if (err.code !== 'ENOENT') opts.log.warn({ err, path: from }, 'imported the old room transcripts but could not move them aside');
    });
  if (imported > 0) opts.log.info({ rooms: imported }, 'imported the room transcripts of the version before the database');
  return imported;
}

/**
 * A damaged old transcript: its records up to the first damaged line are imported (for whoever
 * looks into it), and the room is set aside as damaged, so it is neither settled nor listed, and
 * its id is never reused.
 */
async function setAside(store: RoomRecords, roomId: string, owner: string, path: string, reason: string, damage: DamageSink): Promise<void> {
  const readable: HashedRecord[] = [];
  await readOldJournal(path, parseEntry, () => undefined).then(
    (entries) => {
      for (const e of entries) {
        if (!('record' in e)) continue;
        if (e.record.seq !== readable.length) break;
        readable.push(e.record);
      }
    },
    () => undefined,
  );
  // Not filed as closed even if it reads to a close record: what follows the damage is unknown.
  const records = readable.at(-1)?.type === 'close' ? readable.slice(0, -1) : readable;
  await store.importRoom(roomId, owner, records, []);
  await store.quarantine(roomId, `old transcript ${path}: ${reason}`, Date.now());
  damage.found({ kind: 'room-journal', where: path, reason, report: `GET /rooms/${roomId}/transcript (the file stays under rooms.imported/)` });
}
