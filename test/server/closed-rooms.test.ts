/**
 * Finished rooms are findable: `GET /rooms?status=closed` lists them in the order they were
 * filed, a page at a time, each with where its transcript ends; every listed room's transcript
 * ends there and verifies closed. A room that never had a draw is stored nowhere: neither listed
 * nor served. A damaged transcript is not served, and does not stop the listing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTranscript } from '../../vrf/protocol/transcript.ts';
import { closedTranscript, getJson, TestPlayer, type FairnessParams } from '../helpers/player.ts';
import { inDatabase } from '../helpers/rooms-db.ts';
import { serverPlace } from '../helpers/server-database.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { UNITS_PER_CHIP } from '../../games/chips.ts';

interface Listed {
  roomId: string;
  closedAt: number;
  draws: number;
  records: number;
  head: string;
}
type Page = { rooms: Listed[]; next: string | null };

let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess();
});
afterAll(async () => {
  await server?.stop();
});

describe('finished rooms', () => {
  it('are listed in the order they were filed, page by page, each where its transcript ends', async () => {
    const keys = await getJson<FairnessParams>(`${server.url}/fairness`);
    const filed: string[] = [];
    const empty: string[] = [];
    for (let i = 0; i < 5; i++) {
      const player = await TestPlayer.join(server.url, { create: true });
      for (let d = 0; d < i % 3; d++) {
        const { receipt, seed } = await player.bet({ stake: 2 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
        await player.reveal(receipt.drawSeq, seed);
      }
      const roomId = player.room.roomId;
      await player.room.leave();
      if (i % 3 === 0) {
        // No record, so nothing stored: once disposed, there is no such room.
        await waitFor(async () => (await fetch(`${server.url}/rooms/${roomId}/transcript`)).status === 404, { what: `room ${roomId} gone` });
        empty.push(roomId);
        continue;
      }
      await closedTranscript(server.url, roomId);
      filed.push(roomId);
    }
    const listed: Listed[] = [];
    for (let after: string | null | undefined; after !== null; ) {
      const page: Page = await getJson<Page>(`${server.url}/rooms?status=closed&limit=2${after ? `&after=${after}` : ''}`);
      expect(page.rooms.length).toBeLessThanOrEqual(2);
      listed.push(...page.rooms);
      after = page.next;
    }
    expect(listed.map((r) => r.roomId)).toEqual(filed);
    for (const room of listed) {
      const transcript = await getJson<{ records: { hash: string }[] }>(`${server.url}/rooms/${room.roomId}/transcript`);
      expect(transcript.records).toHaveLength(room.records);
      expect(transcript.records.at(-1)!.hash).toBe(room.head);
      expect(verifyTranscript(transcript, keys)).toMatchObject({ ok: true, closed: true });
    }
    expect(listed.map((r) => r.draws)).toEqual([1, 2, 1]);
    expect(listed.map((r) => r.roomId)).not.toContain(empty[0]);
  });

  it('does not serve a damaged transcript, lists on past it, and refuses a malformed query with the reason', async () => {
    // A finished room whose record in the database was damaged (by hand, or a bad restore).
    await inDatabase(await serverPlace(server.dataDir), async (db) => {
      await db.insertInto('rooms').values({ room_id: 'damaged', owner: 'local', status: 'closed', opened_at: 1, closed_at: 1, draws: 0, records: 1, head: 'ab'.repeat(32) }).execute();
      await db.insertInto('room_records').values({ room_id: 'damaged', seq: 0, hash: 'ab'.repeat(32), json: '{"type": "receipt"' }).execute();
    });
    const page = await getJson<Page>(`${server.url}/rooms?status=closed&limit=1000`);
    expect(page.rooms.length).toBeGreaterThanOrEqual(4);
    expect((await fetch(`${server.url}/rooms/damaged/transcript`)).status).toBe(500);
    expect((await fetch(`${server.url}/rooms/${page.rooms.at(-1)!.roomId}/transcript`)).status).toBe(200);
    for (const query of ['status=open', 'status=closed&limit=0', 'status=closed&after=nope', 'status=closed&game=dice']) {
      const res = await fetch(`${server.url}/rooms?${query}`);
      expect(res.status, query).toBe(400);
    }
  });
});
