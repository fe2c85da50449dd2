/**
 * A look into a server's database from a test, for what its HTTP interface does not show: which
 * process owns a room, which rooms are still open.
 */
import type { Kysely } from 'kysely';
import { openDatabase } from '../../server/db/database.ts';
import type { Schema } from '../../server/db/schema.ts';

/** Runs `read` on the database of a data directory (or DATABASE_URL), then closes it. */
export async function inDatabase<T>(place: { dataDir: string; databaseUrl?: string | undefined }, read: (db: Kysely<Schema>) => Promise<T>): Promise<T> {
  const database = await openDatabase({ dataDir: place.dataDir, databaseUrl: place.databaseUrl });
  try {
    return await read(database.db);
  } finally {
    await database.close();
  }
}

/** The ids of the rooms still open, of every process (rooms set aside as damaged are not open to anyone). */
export const openRoomIds = (place: { dataDir: string; databaseUrl?: string | undefined }): Promise<string[]> =>
  inDatabase(place, async (db) => (await db.selectFrom('rooms').select('room_id').where('status', '=', 'open').where('damaged', 'is', null).execute()).map((r) => r.room_id));

/** The process that runs (or ran) a room, or undefined if there is no such room. */
export const ownerOf = (place: { dataDir: string; databaseUrl?: string | undefined }, roomId: string): Promise<string | undefined> =>
  inDatabase(place, async (db) => (await db.selectFrom('rooms').select('owner').where('room_id', '=', roomId).executeTakeFirst())?.owner);
