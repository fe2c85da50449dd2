/**
 * Coins for tests, the way a player gets them now that wins and losses move chips only: bet dice
 * until the chips answer (`GET /players/:address/chips`) says enough whole coins are withdrawable,
 * then cash them out through `POST /economy/cash-out` (./cash-out.ts), which records an award of
 * that many coins for the minter. A test that needs coins on chain (a mint to crash, to page, to count) starts its
 * server with `CASH_OUT_TEST_ENV`: the wagering requirement met at once and a 1-coin minimum, so
 * winnings over the bonus (which itself never leaves) can be cashed out.
 */
import { randomBytes } from 'node:crypto';
import type { HDNodeWallet, Wallet } from 'ethers';
import { MIN_STAKE_UNITS, UNITS_PER_CHIP } from '../../games/chips.ts';
import type { ChipsAnswer } from '../../server/economy/chips-answer.ts';
import { cashOut as postCashOut, chipsOf } from './cash-out.ts';
import type { Gambler } from './gambler.ts';
import type { TestPlayer } from './player.ts';

/** The starting bonus under CASH_OUT_TEST_ENV, in whole chips. */
export const CASH_OUT_STARTING_CHIPS = 1_000_000;

/**
 * Server settings under which winnings over the bonus can leave at once: no wagering requirement
 * (the bonus itself still never leaves), and cash-outs from 1 coin. The bonus is large because the
 * edge is the house's: from B chips, no way of betting reaches B + c with a chance over B / (B + c),
 * so from the default 1,000 each coin to earn failed about one run in 500; from 1,000,000, about
 * one in 200,000 (test/load/earn-coins-odds.ts; docs/testing.md).
 */
export const CASH_OUT_TEST_ENV = { BONUS_WAGER_MULTIPLE: '0', MIN_CASHOUT_COINS: '1', STARTING_CHIPS: String(CASH_OUT_STARTING_CHIPS) } as const;

/** What `POST /economy/cash-out` answers: the award that mints the coins, and its status. */
export interface CashOut {
  readonly awardId: string;
  readonly coins: number;
  readonly status: string;
}

type DiceBet = { stake: number; target: number; direction: 'under' };

/** Someone at a dice table: plays one bet to its outcome. */
export interface DiceBettor {
  readonly address: string;
  play(bet: DiceBet): Promise<void>;
}

/** A TestPlayer as a DiceBettor. */
export const playerBettor = (p: TestPlayer): DiceBettor => ({
  address: p.address,
  play: async (bet) => {
    const { receipt, seed } = await p.bet(bet);
    await p.reveal(receipt.drawSeq, seed);
  },
});

/** A Gambler as a DiceBettor (a refused bet throws). */
export const gamblerBettor = (g: Gambler): DiceBettor => ({
  address: g.address,
  play: async (bet) => {
    const placed = await g.bet(bet);
    if ('refused' in placed) throw new Error(`bet refused: ${placed.refused}`);
    g.reveal(placed.receipt.drawSeq, placed.seed);
    await g.outcome(placed.receipt.drawSeq);
  },
});

/** MAX_BET's default, in units: the most one bet may stake. */
const MAX_STAKE_UNITS = 100_000 * UNITS_PER_CHIP;

/**
 * The next bet towards `needed` more units: at 98% (a win pays 1/98 of the stake over it) when the
 * balance can stake enough for one win to cover it, else at 50% (a win pays 0.98 of the stake
 * over it) with at most half the balance, so that a run of losses cannot empty it at once (an
 * all-in loss ended a cluster test's bettor after 6 bets).
 */
export function nextBet(needed: number, balance: number): DiceBet {
  const at98 = needed * 98 + UNITS_PER_CHIP;
  if (at98 <= Math.min(balance, MAX_STAKE_UNITS)) return { stake: Math.max(MIN_STAKE_UNITS, at98), target: 9800, direction: 'under' };
  const at50 = Math.ceil(needed / 0.98) + UNITS_PER_CHIP;
  return { stake: Math.max(MIN_STAKE_UNITS, Math.min(Math.floor(balance / 2), MAX_STAKE_UNITS, at50)), target: 5000, direction: 'under' };
}

/**
 * Bets until at least `coins` whole coins are withdrawable; the chips answer then. Throws after
 * `maxBets` (a run of losses, or a server whose wagering requirement a test cannot meet).
 */
export async function earnWithdrawable(baseUrl: string, bettor: DiceBettor, coins: number, maxBets = 100): Promise<ChipsAnswer> {
  for (let bets = 0; ; bets++) {
    const chips = await chipsOf(baseUrl, bettor.address);
    if (chips.withdrawableCoins >= coins) return chips;
    if (bets >= maxBets || chips.balance < MIN_STAKE_UNITS) throw new Error(`${bets} bets and ${chips.withdrawableCoins} of ${coins} coins withdrawable (chips ${JSON.stringify(chips)})`);
    await bettor.play(nextBet(chips.bonus + coins * UNITS_PER_CHIP - chips.balance, chips.balance));
  }
}

/** Cashes `coins` out for `wallet`, signed in afresh (a sign-in token is good for one request); throws on any answer but 200. */
export async function cashOut(baseUrl: string, wallet: Wallet | HDNodeWallet, coins: number): Promise<CashOut> {
  const answer = await postCashOut(baseUrl, wallet, { coins, requestId: randomBytes(12).toString('hex') });
  if (answer.status !== 200) throw new Error(`cash-out of ${coins} coins for ${wallet.address}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as unknown as CashOut;
}

/** Wins `coins` withdrawable coins at `player`'s table and cashes them out: the award the minter will mint. */
export async function winAndCashOut(baseUrl: string, player: TestPlayer, coins: number): Promise<CashOut> {
  await earnWithdrawable(baseUrl, playerBettor(player), coins);
  return cashOut(baseUrl, player.wallet, coins);
}
