/**
 * History for the soak run: a database filled before the server starts with `records` transcript
 * records of finished dice rooms (100 records, 50 draws, a room), and what their draws left in the
 * other tables: each draw's row in the players' draw index and its commitment, and a stake and
 * a payout chip entry. (Awards are left out: the server would mint every one it finds.) The rows are shaped like the real ones
 * but are not real records (their bodies are short stand-ins), so they are marked indexed: the
 * server never reads them at start, and the soak measures whether it keeps anything of them.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../server/db/database.ts';

const RECORDS_PER_ROOM = 100;
const ROOMS_PER_TRANSACTION = 100;
const PLAYERS = 1000;

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** Fills the database of `dataDir` (SQLite there, or `databaseUrl`); resolves with the rows written per table. */
export async function prefill(place: { dataDir: string; databaseUrl?: string }, records: number): Promise<Record<string, number>> {
  const database = await openDatabase(place);
  const players = Array.from({ length: PLAYERS }, () => `0x${hex(20)}`);
  const written: Record<string, number> = { room_records: 0, draws: 0, chip_entries: 0 };
  try {
    const rooms = Math.ceil(records / RECORDS_PER_ROOM);
    for (let first = 0; first < rooms; first += ROOMS_PER_TRANSACTION) {
      await database.transaction(async (trx) => {
        for (let r = first; r < Math.min(rooms, first + ROOMS_PER_TRANSACTION); r++) {
          const roomId = `soak${r}`;
          const player = players[r % PLAYERS]!;
          const closedAt = 1_700_000_000_000 + r;
          await trx.insertInto('rooms').values({ room_id: roomId, owner: 'local', status: 'closed', opened_at: closedAt, closed_at: closedAt, draws: RECORDS_PER_ROOM / 2, records: RECORDS_PER_ROOM, head: hex(32) }).execute();
          await trx.insertInto('indexed_rooms').values([{ index_name: 'commitments', room_id: roomId }, { index_name: 'draws', room_id: roomId }]).execute();
          await trx
            .insertInto('room_records')
            .values(Array.from({ length: RECORDS_PER_ROOM }, (_, seq) => ({ room_id: roomId, seq, hash: hex(32), json: JSON.stringify({ seq, roomId, type: seq % 2 ? 'outcome' : 'receipt', filler: hex(100) }) })))
            .execute();
          const draws = Array.from({ length: RECORDS_PER_ROOM / 2 }, (_, d) => d);
          const numbered = await trx
            .insertInto('draws')
            .values(draws.map((d) => ({ room_id: roomId, draw_seq: d, receipt_seq: 2 * d, receipt_hash: hex(32), game: 'dice', kind: 'roll', issued_at: closedAt, status: 'settled' as const, end_seq: 2 * d + 1, end_hash: hex(32) })))
            .returning('n')
            .execute();
          await trx.insertInto('draw_players').values(numbered.map(({ n }) => ({ address: player, n }))).execute();
          await trx.insertInto('used_commitments').values(draws.map(() => ({ key_id: 'soak', commitment: hex(32) }))).execute();
          await trx
            .insertInto('chip_entries')
            .values(draws.flatMap((d) => [
              { ref: `${roomId}/${d}/stake`, address: player, delta: -1_000_000, reason: 'stake' as const },
              { ref: `${roomId}/${d}/payout`, address: player, delta: 1_000_000, reason: 'payout' as const },
            ]))
            .execute();
          written.draws! += draws.length;
          written.chip_entries! += 2 * draws.length;
          written.room_records! += RECORDS_PER_ROOM;
        }
      });
    }
    return written;
  } finally {
    await database.close();
  }
}
