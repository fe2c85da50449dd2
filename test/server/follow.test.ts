/**
 * A client that follows a room (`follow`) hears every record as it is written: the records of
 * draws it is not told of get to it as `record` messages, its own draws' records come only as
 * its receipt and outcome, and together they make the room's whole chain with no gap.
 */
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, TestPlayer } from '../helpers/player.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { UNITS_PER_CHIP } from '../../games/chips.ts';

let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess();
});
afterAll(async () => {
  await server?.stop();
});

describe('following a room', () => {
  it("hears the other players' records as they are written, and its own draws' only once", async () => {
    const watcher = await TestPlayer.join(server.url, { create: true });
    const other = await TestPlayer.join(server.url, { roomId: watcher.room.roomId });
    const records: HashedRecord[] = [];
    const toOther: HashedRecord[] = [];
    watcher.room.onMessage('record', (r: HashedRecord) => records.push(r));
    other.room.onMessage('record', (r: HashedRecord) => toOther.push(r));
    watcher.room.send('follow', {});
    // The follow request is handled before the bets below (messages of one client are handled in order).
    const mine = await watcher.bet({ stake: 5 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
    const mineOutcome = await watcher.reveal(mine.receipt.drawSeq, mine.seed);
    for (let i = 0; i < 3; i++) {
      const { receipt, seed } = await other.bet({ stake: 5 * UNITS_PER_CHIP, target: 5000, direction: 'over' });
      await other.reveal(receipt.drawSeq, seed);
    }
    await waitFor(() => records.length >= 6, { what: "the other player's 6 records" });
    expect(records.map((r) => r.seq)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(records.every((r) => r.type === 'receipt' || r.type === 'outcome')).toBe(true);
    // With its own receipt (seq 0) and outcome (seq 1), the follower holds the chain as the transcript has it.
    const chain = [{ ...mine.receipt }, { ...mineOutcome.record, hash: mineOutcome.recordHash }, ...records];
    const transcript = await getJson<{ records: HashedRecord[] }>(`${server.url}/rooms/${watcher.room.roomId}/transcript`);
    expect(chain.map((r) => r.hash)).toEqual(transcript.records.map((r) => r.hash));
    // The player who did not follow got none.
    expect(toOther).toEqual([]);
  });
});
