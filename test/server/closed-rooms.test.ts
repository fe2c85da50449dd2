/**
 * Finished rooms are findable: `GET /rooms?status=closed` lists them in the order they were
 * filed, a page at a time, each with where its transcript ends; every listed room's transcript
 * ends there and verifies closed. A damaged transcript does not stop the listing.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTranscript } from '../../vrf/protocol/transcript.ts';
import { closedTranscript, getJson, TestPlayer, type FairnessParams } from '../helpers/player.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
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
    for (let i = 0; i < 5; i++) {
      const player = await TestPlayer.join(server.url, { create: true });
      for (let d = 0; d < i % 3; d++) {
        const { receipt, seed } = await player.bet({ stake: 2 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
        await player.reveal(receipt.drawSeq, seed);
      }
      const roomId = player.room.roomId;
      await player.room.leave();
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
    expect(listed.map((r) => r.draws)).toEqual([0, 1, 2, 0, 1]);
  });

  it('skips a damaged transcript and refuses a malformed query with the reason', async () => {
    writeFileSync(join(server.dataDir, 'rooms', 'closed', 'damaged.jsonl'), '{"record": {"type": "receipt"');
    appendFileSync(join(server.dataDir, 'rooms', 'closed', 'damaged.jsonl'), '\nnot json\n');
    const page = await getJson<Page>(`${server.url}/rooms?status=closed&limit=1000`);
    expect(page.rooms.map((r) => r.roomId)).not.toContain('damaged');
    expect(page.rooms.length).toBeGreaterThanOrEqual(5);
    for (const query of ['status=open', 'status=closed&limit=0', 'status=closed&after=nope', 'status=closed&game=dice']) {
      const res = await fetch(`${server.url}/rooms?${query}`);
      expect(res.status, query).toBe(400);
    }
  });
});
