/**
 * The farming test (issue 17): many fresh addresses, each signed in from one IP that is let give
 * them all a bonus (BONUS_PER_IP high), bet their 1,000 free chips at dice and try to cash out.
 * None of them has bet 30 times its bonus, so none may cash out anything: every cash-out is
 * refused (409), and no coin is minted to any of them, on the awards route or on chain.
 *
 * Then, on a server whose wagering requirement is 1x the bonus, addresses stake their whole
 * bonus once: the wagering requirement is met, and each winner may cash out exactly the whole
 * coins of its winnings beyond the bonus (its chips answer's `withdrawableCoins`, one coin more
 * is refused); that first award is minted, on chain, once.
 */
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { awardsOf, cashOut, chipsOf } from '../helpers/cash-out.ts';
import { TestPlayer } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const BONUS = 1000 * UNITS_PER_CHIP;
const FARMERS = 20;

/** Joins dice as a fresh address, stakes `stake` units at 50% once, reveals, and leaves; the outcome's payout. */
async function betOnce(url: string, stake: number): Promise<{ wallet: Wallet; payout: number }> {
  const wallet = Wallet.createRandom() as unknown as Wallet;
  const player = await TestPlayer.join(url, { wallet });
  try {
    const { receipt, seed } = await player.bet({ stake, target: 5000, direction: 'under' });
    const outcome = await player.reveal(receipt.drawSeq, seed);
    return { wallet, payout: Number((outcome.record as { result: { payout: number } }).result.payout) };
  } finally {
    await player.room.leave();
  }
}

describe('farming the starting bonus', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({ env: { BONUS_PER_IP: '1000000', MIN_CASHOUT_COINS: '10' } });
  }, timeoutWithStarts(1, 10_000));
  afterAll(async () => {
    await server?.stop();
  });

  it(`mints 0 coins to ${FARMERS} fresh addresses that bet their bonus and try to cash out`, async () => {
    const farmers: { wallet: Wallet; payout: number }[] = [];
    // Five at a time: a burst of sign-ins, bets and cash-outs, as a script would send them.
    for (let i = 0; i < FARMERS; i += 5) farmers.push(...(await Promise.all(Array.from({ length: 5 }, () => betOnce(server.url, BONUS)))));
    let tried = 0;
    for (const { wallet } of farmers) {
      const chips = await chipsOf(server.url, wallet.address);
      expect(chips).toMatchObject({ bonus: BONUS, wagered: BONUS, withdrawable: 0, withdrawableCoins: 0 });
      // Everything it holds, its winnings alone, and the minimum: each refused.
      for (const coins of new Set([Math.max(10, Math.floor(chips.balance / UNITS_PER_CHIP)), Math.max(10, Math.floor((chips.balance - BONUS) / UNITS_PER_CHIP)), 10])) {
        const answer = await cashOut(server.url, wallet, { coins, requestId: `farm-${coins}-${wallet.address.slice(2, 10)}` });
        tried++;
        expect(answer.status, JSON.stringify(answer.body)).toBe(409);
      }
    }
    const winners = farmers.filter((f) => f.payout > 0).length;
    console.log(`${FARMERS} farmers (${winners} won their bet): ${tried} cash-outs tried, all refused`);
    // No coin award, minted or not, and no coin on chain, for any of them.
    for (const { wallet } of farmers) {
      const view = await awardsOf(server.url, wallet.address);
      expect(view.awards.filter((a) => a.tokenId === 1), wallet.address).toEqual([]);
      expect(view.balances?.['1'], wallet.address).toBe('0');
    }
  });
});

describe('meeting the wagering requirement', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({ env: { BONUS_WAGER_MULTIPLE: '1', MIN_CASHOUT_COINS: '10' } });
  }, timeoutWithStarts(1, 10_000));
  afterAll(async () => {
    await server?.stop();
  });

  it('lets an address that staked its bonus cash out exactly its winnings in whole coins, minted once', async () => {
    // Each stakes its whole bonus at 50%: sixteen tries, so that one wins but once in 65,536 runs.
    const players: { wallet: Wallet; payout: number }[] = [];
    for (let i = 0; i < 16 && !players.some((p) => p.payout > 0); i += 4) players.push(...(await Promise.all(Array.from({ length: 4 }, () => betOnce(server.url, BONUS)))));
    const winner = players.find((p) => p.payout > 0);
    expect(winner, 'one of sixteen 50% bets won').toBeDefined();
    const loser = players.find((p) => p.payout === 0);
    const chips = await chipsOf(server.url, winner!.wallet.address);
    const expected = Math.floor((winner!.payout - BONUS) / UNITS_PER_CHIP);
    console.log(`a winner staked ${BONUS / UNITS_PER_CHIP} chips, was paid ${winner!.payout / UNITS_PER_CHIP}: ${chips.withdrawableCoins} coins withdrawable`);
    expect(chips).toMatchObject({ balance: winner!.payout, bonus: BONUS, wagered: BONUS, wageringRequirement: BONUS, withdrawable: winner!.payout - BONUS, withdrawableCoins: expected });
    if (loser) expect((await cashOut(server.url, loser.wallet, { coins: 10, requestId: 'loser-cash-out' })).status).toBe(409);
    expect((await cashOut(server.url, winner!.wallet, { coins: expected + 1, requestId: 'one-coin-more' })).status).toBe(409);
    const made = await cashOut(server.url, winner!.wallet, { coins: expected, requestId: 'winnings-out' });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect(await chipsOf(server.url, winner!.wallet.address)).toMatchObject({ balance: winner!.payout - expected * UNITS_PER_CHIP, withdrawableCoins: 0 });
    const view = await waitFor(
      async () => {
        const v = await awardsOf(server.url, winner!.wallet.address);
        return v.awards.find((a) => a.awardId === made.body['awardId'])?.status === 'minted' && v;
      },
      { what: 'the cash-out minted', timeout: 60_000 },
    );
    const cashOuts = view.awards.filter((a) => a.source.roomId === 'withdrawal');
    expect(cashOuts).toHaveLength(1);
    expect(cashOuts[0]).toMatchObject({ amount: expected, status: 'minted' });
    // On chain: the cash-out's coins (and, until wins stop minting coins, none from the win either).
    expect(view.balances?.['1']).toBe(String(view.awards.filter((a) => a.tokenId === 1).reduce((sum, a) => sum + a.amount, 0)));
    expect(view.awards.filter((a) => a.tokenId === 1)).toEqual(cashOuts);
  });
});
