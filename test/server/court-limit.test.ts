/**
 * A receipt promises the court's payout (its maxPayout) should the house withhold the outcome, so
 * the server never signs one that promises more than the court's bond has free: such a bet is
 * refused with the rule it broke, its commitment stays unused, and the room plays on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import { getJson, TestPlayer } from '../helpers/player.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

let server: ServerProcess;

beforeAll(async () => {
  // The embedded chain mints the new court a bond of 50 coins: all of it free, no case open.
  server = await startServerProcess({ env: { COURT_BOND_COINS: '50' } });
});
afterAll(async () => {
  await server?.stop();
});

describe("the court's payout limit", () => {
  it("a bet that could pay more than the court's free bond is refused; its commitment stays usable; the room plays on", async () => {
    const f = await getJson<{ chain: { court: { maxPayoutCoins: number } } }>(`${server.url}/fairness`);
    expect(f.chain.court.maxPayoutCoins).toBe(50);
    const player = await TestPlayer.join(server.url);
    const seed = newSeed();
    const commitment = seedCommitment(seed);
    // 10 chips at a 10% chance pays 99 chips on a win: more than 50 coins.
    const over = await player.betOn(commitment, { stake: 10 * UNITS_PER_CHIP, target: 1000, direction: 'under' });
    expect(over.receipt).toBeUndefined();
    expect(over.error).toMatchObject({ code: 'over-court-limit', maxPayout: 99, limit: 50 });
    expect(over.error?.message).toMatch(/could pay 99 coins, more than the 50 coins the reveal court's bond has free/);
    // The same commitment, on a bet within the limit (19 coins at most), is receipted and settles.
    const within = await player.betOn(commitment, { stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
    expect(within.receipt).toMatchObject({ maxPayout: 19 });
    const outcome = await player.reveal(within.receipt!.drawSeq, seed);
    expect(outcome.record.receiptSeq).toBe(within.receipt!.seq);
    await player.room.leave();
  });
});
