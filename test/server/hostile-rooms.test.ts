/**
 * Rooms cost the creator, not the disk: 300 rooms created through the matchmaker and never
 * played (half joined and left at once through the SDK, half seat reservations from
 * `POST /matchmake/create/dice` that nobody ever consumes) leave no row in the database and no
 * file in DATA_DIR, while an honest player bets throughout.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Client } from '@colyseus/sdk';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { getJson, signInToken } from '../helpers/player.ts';
import { inDatabase } from '../helpers/rooms-db.ts';
import { serverPlace } from '../helpers/server-database.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ROOMS = 300;

let server: ServerProcess;
beforeAll(async () => {
  // Unconsumed seat reservations expire after 5 s rather than Colyseus' 15, so their rooms go sooner.
  server = await startServerProcess({ env: { COLYSEUS_SEAT_RESERVATION_TIME: '5' } });
});
afterAll(async () => {
  await server?.stop();
});

/**
 * Every file under `dir`, relative to it, but the chain node's own (`chain/`): the node writes its
 * state file on its own schedule (a fresh node's first one can come after the test's first look),
 * and no room writes there.
 */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .filter((path) => !path.startsWith('chain/'))
    .sort();
}

/** Rooms open in the server process, from `/metrics`. */
async function roomsOpen(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^fairplay_rooms (\d+)/m.exec(text)?.[1] ?? NaN);
}

describe('rooms created and never played', () => {
  it(`${ROOMS} rooms created and never joined (or joined and left) leave no row and no file`, { timeout: 300_000 }, async () => {
    const bettor = await HonestBettor.start(server.url);
    await waitFor(async () => (await roomsOpen()) === 1, { what: "the honest player's room" });
    const before = filesUnder(server.dataDir);

    const ids: string[] = [];
    const started = performance.now();
    // Half through the SDK, joined and left at once: the room disposes when its last client leaves.
    for (let i = 0; i < ROOMS / 2; i++) {
      const client = new Client(server.url);
      client.auth.token = await signInToken(server.url, Wallet.createRandom());
      const room = await client.create('dice');
      ids.push(room.roomId);
      await room.leave();
    }
    // Half as bare HTTP matchmaking, the way a script would: a seat reserved and never taken.
    for (let i = 0; i < ROOMS / 2; i++) {
      const token = await signInToken(server.url, Wallet.createRandom());
      const res = await fetch(`${server.url}/matchmake/create/dice`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{}',
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const reservation = (await res.json()) as { roomId?: string; room?: { roomId: string } };
      ids.push(reservation.room?.roomId ?? reservation.roomId!);
    }
    console.log(`created ${ids.length} rooms in ${((performance.now() - started) / 1000).toFixed(1)} s (2026-12-01)`);
    expect(new Set(ids).size).toBe(ROOMS);

    // Every one of them goes (the reservations expire); only the honest player's room stays.
    await waitFor(async () => (await roomsOpen()) === 1, { what: 'the unplayed rooms to be disposed', timeout: 120_000 });
    const honestRoom = bettor.gambler.room.roomId;
    const report = await bettor.stop();
    console.log(describeHonest('300 unplayed rooms', report));
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);

    const stored = await inDatabase(await serverPlace(server.dataDir), async (db) => ({
      rooms: await db.selectFrom('rooms').select('room_id').where('room_id', 'in', ids).execute(),
      records: await db.selectFrom('room_records').select('room_id').where('room_id', 'in', ids).execute(),
      all: await db.selectFrom('rooms').select('room_id').execute(),
    }));
    expect(stored.rooms).toEqual([]);
    expect(stored.records).toEqual([]);
    // The honest player's room, which has records, is the only room stored.
    expect(stored.all.map((r) => r.room_id)).toEqual([honestRoom]);
    expect(filesUnder(server.dataDir)).toEqual(before);
  });
});
