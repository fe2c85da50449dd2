/**
 * A room's log in a JSON-lines file of the version before the database (one `{"record": ...}` or
 * `{"reveal": ...}` object a line), for fairness tests that run a RoomTranscript with no database
 * and for the import tests that need such files (the server keeps rooms in its database:
 * `server/fairness/room-records.ts`, and only reads these files to import them).
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { parseEntry, type RoomJournalEntry, type RoomReveal } from '../../server/fairness/room-journal.ts';
import type { RoomLog } from '../../server/fairness/room-records.ts';
import { readOldJournal } from '../../server/storage/old-journal-reader.ts';

export async function journalRoomLog(path: string): Promise<RoomLog> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, ''); // the file exists from the room's start, as that version's did
  // A room issues writes without waiting for the previous ones (a reveal beside a record): they
  // are chained so the lines land in the order they were issued.
  let last: Promise<void> = Promise.resolve();
  const append = (entry: RoomJournalEntry): Promise<void> => {
    // JSON.stringify escapes newlines inside strings, so one entry is one line.
    const written = last.then(() => appendFile(path, `${JSON.stringify(entry)}\n`));
    last = written.catch(() => undefined);
    return written;
  };
  const entries = () => readOldJournal(path, parseEntry);
  return {
    appendRecord: (record: HashedRecord) => append({ record }),
    appendReveal: (reveal: RoomReveal) => append({ reveal }),
    records: async () => (await entries()).flatMap((e) => ('record' in e ? [e.record] : [])),
    reveals: async () => (await entries()).flatMap((e) => ('reveal' in e ? [e.reveal] : [])),
  };
}
