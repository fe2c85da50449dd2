/**
 * A room's log in a JSON-lines journal file, for fairness tests that run a RoomTranscript with
 * no database (the server keeps rooms in its database: `server/fairness/room-records.ts`).
 */
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { parseEntry, type RoomJournalEntry, type RoomReveal } from '../../server/fairness/room-journal.ts';
import type { RoomLog } from '../../server/fairness/room-records.ts';
import { Journal } from '../../server/storage/journal.ts';

export async function journalRoomLog(path: string): Promise<RoomLog> {
  const { journal } = await Journal.open<RoomJournalEntry>(path, parseEntry);
  const entries = () => Journal.read(path, parseEntry);
  return {
    appendRecord: (record: HashedRecord) => journal.append({ record }),
    appendReveal: (reveal: RoomReveal) => journal.append({ reveal }),
    records: async () => (await entries()).flatMap((e) => ('record' in e ? [e.record] : [])),
    reveals: async () => (await entries()).flatMap((e) => ('reveal' in e ? [e.reveal] : [])),
  };
}
