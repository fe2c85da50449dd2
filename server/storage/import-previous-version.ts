/**
 * The data of the version before the database, imported into it: a data directory's room
 * transcripts, chip journals, award journals and mint log, in that order (the awards name the
 * rooms' records; the mint log names the awards). Each kind is imported idempotently (by room and
 * seq, chip ref, award id, transaction hash) and its files are then moved aside (`.imported`), so
 * running it again, or over a directory half imported before a crash, changes nothing. A file
 * that cannot be read is logged and left; a damaged line is skipped and reported, its file kept as
 * `.damaged` beside a report (`old-journals.ts`); nothing here stops a start.
 *
 * The server runs this at every start on its own `DATA_DIR`; `npm run migrate-data -- --from DIR`
 * runs it on another directory (`server/migrate-data.ts`).
 * @module
 */
import type { Logger } from 'pino';
import { importOldAwardJournals } from '../awards/import-journals.ts';
import type { AwardSink } from '../awards/award-sink.ts';
import type { MintLog } from '../awards/mint-log.ts';
import { oldChipJournals, type ChipLedger } from '../chips/chip-ledger.ts';
import { importRoomTranscripts } from '../fairness/import-transcripts.ts';
import type { DamageSink } from './damage.ts';
import type { RoomRecords } from '../fairness/room-records.ts';

export interface ImportTargets {
  readonly rooms: RoomRecords;
  /** Owner of the rooms left open in the directory: the process that will settle them. */
  readonly owner: string;
  /** Owner of a cluster process's rooms left open under `nodes/<id>/`. */
  readonly ownerOfNode: (nodeId: string) => string;
  readonly chips: ChipLedger;
  readonly awards: AwardSink;
  readonly mints: Pick<MintLog, 'apply'>;
}

/** Imports everything of `dataDir` the previous version wrote; resolves with how many rooms were imported. */
export async function importPreviousVersion(dataDir: string, to: ImportTargets, log: Logger, damage?: DamageSink): Promise<{ rooms: number }> {
  const rooms = await importRoomTranscripts(dataDir, to.rooms, { owner: to.owner, ownerOfNode: to.ownerOfNode, log, ...(damage ? { damage } : {}) });
  for (const path of await oldChipJournals(dataDir)) await to.chips.importJournal(path, log, damage);
  await importOldAwardJournals(dataDir, to.awards, to.mints, log, damage);
  return { rooms };
}
