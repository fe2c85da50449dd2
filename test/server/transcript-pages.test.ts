/**
 * A transcript in pages (`?from=&limit=`): the pages put together are the whole transcript, and
 * a verifier fed page after page checks the room's chain as it would the whole; a malformed page
 * request is refused with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import { TranscriptVerifier } from '../../vrf/protocol/verifier.ts';
import { getJson, TestPlayer, type FairnessParams } from '../helpers/player.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { UNITS_PER_CHIP } from '../../games/chips.ts';

let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess();
});
afterAll(async () => {
  await server?.stop();
});

type Page = Transcript & { from: number; total: number; next: number | null };

describe('transcript pages', () => {
  it('are the whole transcript in order, and verify page after page', async () => {
    const keys = await getJson<FairnessParams>(`${server.url}/fairness`);
    const player = await TestPlayer.join(server.url, { create: true });
    for (let i = 0; i < 4; i++) {
      const { receipt, seed } = await player.bet({ stake: 3 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
      await player.reveal(receipt.drawSeq, seed);
    }
    const base = `${server.url}/rooms/${player.room.roomId}/transcript`;
    const whole = await getJson<Transcript>(base);
    expect(whole.records).toHaveLength(8);
    const verifier = new TranscriptVerifier(player.room.roomId, keys);
    const pages: HashedRecord[][] = [];
    for (let from: number | null = 0; from !== null; ) {
      const page: Page = await getJson<Page>(`${base}?from=${from}&limit=3`);
      expect(page).toMatchObject({ from, total: 8, roomId: whole.roomId, publicKey: whole.publicKey });
      pages.push(page.records);
      for (const record of page.records) expect(verifier.accept(record).problems).toEqual([]);
      from = page.next;
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 2]);
    expect(pages.flat()).toEqual(whole.records);
    expect(verifier.next).toBe(8);
    // From the end: an empty last page.
    expect(await getJson<Page>(`${base}?from=8`)).toMatchObject({ records: [], total: 8, next: null });
  });

  it('refuses a malformed page request with the reason', async () => {
    const player = await TestPlayer.join(server.url, { create: true });
    for (const query of ['from=-1', 'limit=0', 'limit=1001', 'from=x', 'page=2']) {
      const res = await fetch(`${server.url}/rooms/${player.room.roomId}/transcript?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: string }).error.length, query).toBeGreaterThan(0);
    }
  });
});
