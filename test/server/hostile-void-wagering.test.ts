/**
 * Hostile: meeting the bonus's wagering requirement without risking a chip. A dice bet takes its
 * stake at the receipt; a bet never revealed is voided when its room closes and its stake
 * refunded. A voided bet was never at risk, so it must not count towards the wagering
 * requirement: else a fresh address bets its whole bonus unrevealed, leaves, and again, until
 * the requirement is met, then cashes out whatever one lucky bet wins beyond the bonus. An
 * honest player bets throughout; a revealed (settled) bet counts in full.
 */
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { chipsOf } from '../helpers/cash-out.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { closedTranscript, TestPlayer } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const BONUS_CHIPS = 1000;
const STAKE = 250 * UNITS_PER_CHIP;
let server: ServerProcess;
let bettor: HonestBettor;

beforeAll(async () => {
  server = await startServerProcess({ env: { BONUS_WAGER_MULTIPLE: '2', MAX_MESSAGES_PER_SECOND: '200' } });
  bettor = await HonestBettor.start(server.url);
}, timeoutWithStarts(1, 20_000));

afterAll(async () => {
  await bettor?.stop().catch(() => undefined);
  await server?.stop();
});

describe('hostile: voided bets and the wagering requirement', () => {
  it('does not count a voided (refunded) bet as wagered', { timeout: 120_000 }, async () => {
    const wallet = Wallet.createRandom();
    // Rounds of the whole bonus staked unrevealed, then the room left: every bet voided, refunded.
    for (let round = 0; round < 3; round++) {
      const player = await TestPlayer.join(server.url, { wallet, create: true });
      for (let i = 0; i < 4; i++) await player.bet({ stake: STAKE, target: 5000, direction: 'under' });
      await player.room.leave();
      await closedTranscript(server.url, player.room.roomId);
      await waitFor(async () => (await chipsOf(server.url, wallet.address)).balance === BONUS_CHIPS * UNITS_PER_CHIP, { what: 'the voided stakes to be refunded' });
    }
    const after = await chipsOf(server.url, wallet.address);
    console.log(`after 3 rounds of voided bets: ${JSON.stringify(after)}`);
    expect(after).toMatchObject({ balance: BONUS_CHIPS * UNITS_PER_CHIP, bonus: BONUS_CHIPS * UNITS_PER_CHIP, wagered: 0, withdrawable: 0 });

    // A bet revealed and settled is a wager.
    const player = await TestPlayer.join(server.url, { wallet, create: true });
    const { receipt, seed } = await player.bet({ stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
    await player.reveal(receipt.drawSeq, seed);
    await waitFor(async () => (await chipsOf(server.url, wallet.address)).wagered === 10 * UNITS_PER_CHIP, { what: 'the settled bet to count as wagered' });
    await player.room.leave();

    const report = await bettor.stop();
    console.log(describeHonest('honest bettor beside voided bets', report));
    expect(report.errors).toEqual([]);
    expect(report.bets).toBeGreaterThan(0);
  });
});
