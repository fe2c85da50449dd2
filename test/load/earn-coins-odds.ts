/**
 * How often `earnWithdrawable` (test/helpers/earn-coins.ts) fails on bad luck: its own betting
 * rule (`nextBet`) played against the dice payout (`payoutOnWin`, a 1% edge) with a seeded
 * generator instead of a server, up to its 100 bets. The figures in docs/testing.md come from here:
 *
 *   npx tsx test/load/earn-coins-odds.ts <runs> <bonus chips> [seed]     one coin from the bonus
 *   npx tsx test/load/earn-coins-odds.ts <runs> cluster [seed]           cluster.test.ts's bets
 */
import { MIN_STAKE_UNITS, UNITS_PER_CHIP } from '../../games/chips.ts';
import { DEFAULT_EDGE_BPS, payoutOnWin } from '../../games/dice/rules.ts';
import { CASH_OUT_STARTING_CHIPS, nextBet } from '../helpers/earn-coins.ts';
import { mulberry32 } from '../helpers/seed.ts';

type Bet = { stake: number; target: number };

/** The balance after one bet "under" `target`. */
function play(balance: number, bet: Bet, random: () => number): number {
  const won = random() * 10_000 < bet.target;
  return balance - bet.stake + (won ? payoutOnWin({ ...bet, direction: 'under', edgeBps: DEFAULT_EDGE_BPS }) : 0);
}

/** earnWithdrawable's loop: the balance once `coins` are withdrawable, or undefined where it throws. */
function earn(balance: number, bonus: number, coins: number, random: () => number): number | undefined {
  for (let bets = 0; ; bets++) {
    if (Math.floor((balance - bonus) / UNITS_PER_CHIP) >= coins) return balance;
    if (bets >= 100 || balance < MIN_STAKE_UNITS) return undefined;
    balance = play(balance, nextBet(bonus + coins * UNITS_PER_CHIP - balance, balance), random);
  }
}

/** cluster.test.ts: six players bet 6 times and earn a coin; three bet once more and earn another. */
function clusterFails(random: () => number): boolean {
  const bonus = CASH_OUT_STARTING_CHIPS * UNITS_PER_CHIP;
  const bet = { stake: 10 * UNITS_PER_CHIP, target: 9800 };
  for (let player = 0; player < 6; player++) {
    let balance = bonus;
    for (let i = 0; i < 6; i++) balance = play(balance, bet, random);
    const earned = earn(balance, bonus, 1, random);
    if (earned === undefined) return true;
    if (player < 3 && earn(play(earned - UNITS_PER_CHIP, bet, random), bonus, 1, random) === undefined) return true;
  }
  return false;
}

const [runs = '100000', what = String(CASH_OUT_STARTING_CHIPS), seed = '1'] = process.argv.slice(2);
const random = mulberry32(Number(seed));
let failures = 0;
for (let i = 0; i < Number(runs); i++) {
  const bonus = Number(what) * UNITS_PER_CHIP;
  if (what === 'cluster' ? clusterFails(random) : earn(bonus, bonus, 1, random) === undefined) failures++;
}
console.log(`${what === 'cluster' ? 'cluster.test.ts' : `one coin from ${what} chips`}: ${failures} failures in ${runs} runs (seed ${seed})`);
