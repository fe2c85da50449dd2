/**
 * The cashier's sentences (cashier.ts), from the chips answer (`GET /players/:address/chips`):
 * chips, the bonus and the wagering that frees it, what can be cashed out, all in plain words with
 * units and plurals right. Pure, so the wording is checked without a page.
 * @module
 */
import { formatChips, UNITS_PER_CHIP } from '../../games/chips.ts';

/**
 * The chips answer. `balance` always; the rest from a server with cash-outs (units except
 * *Coins; docs/economy.md): absent on an older server, and then the cashier shows chips only.
 */
export interface ChipsAnswer {
  readonly address: string;
  readonly balance: number;
  readonly bonus?: number;
  readonly wagered?: number;
  readonly wageringRequirement?: number;
  readonly netDeposit?: number;
  readonly withdrawable?: number;
  readonly withdrawableCoins?: number;
  readonly minCashOutCoins?: number;
  /** Why this address was refused a starting bonus, if it was. */
  readonly bonusRefused?: string;
}

/** The bonus terms of `GET /economy/rules` the cashier tells a new address (whole chips and coins). */
export interface BonusTerms {
  readonly startingBonusChips: number;
  readonly bonusAfterDepositCoins: number;
}

/** "1 chip", "2.5 chips", "1,000 chips". */
export function chipsText(units: number): string {
  return `${formatChips(units)} ${units === UNITS_PER_CHIP ? 'chip' : 'chips'}`;
}

/** "1 coin", "12 coins". */
export function coinsText(coins: number | bigint): string {
  return `${coins.toLocaleString('en-US')} ${coins === 1 || coins === 1n ? 'coin' : 'coins'}`;
}

/**
 * The cashier's lines, in order: chips, then the bonus and its wagering, then what can leave. A
 * new address (nothing granted, staked or deposited) is told how its starting bonus comes, from
 * `terms` when known: it is granted at the first join of a game, not at sign-in.
 */
export function cashierLines(a: ChipsAnswer, terms?: BonusTerms): string[] {
  const lines = [`You have ${chipsText(a.balance)}.`];
  const bonus = a.bonus ?? 0;
  const fresh = a.bonus === 0 && a.balance === 0 && !a.bonusRefused && (a.wagered ?? 0) === 0 && (a.netDeposit ?? 0) === 0;
  if (fresh && terms && terms.startingBonusChips > 0) {
    const gift = chipsText(terms.startingBonusChips * UNITS_PER_CHIP);
    lines.push(
      terms.bonusAfterDepositCoins > 0
        ? `A starting bonus of ${gift} comes with your first deposit of at least ${coinsText(terms.bonusAfterDepositCoins)}.`
        : `Join a game to get your starting bonus of ${gift} (given at an address's first join, if no other address had one from your internet connection lately).`,
    );
  }
  if (bonus > 0) {
    // Bonus is the starting bonus plus chips found in raid chests: both play, neither leaves.
    lines.push(`${chipsText(bonus)} of them ${bonus === UNITS_PER_CHIP ? 'is' : 'are'} bonus (the starting bonus and chips found in raid chests): ${bonus === UNITS_PER_CHIP ? 'it' : 'they'} can be played but never cashed out.`);
    if (a.wagered !== undefined && a.wageringRequirement !== undefined) {
      lines.push(
        a.wagered >= a.wageringRequirement
          ? `Wagering done: wagered ${formatChips(a.wagered)} of ${chipsText(a.wageringRequirement)}, so chips won beyond the bonus can be cashed out.`
          : `Wagered ${formatChips(a.wagered)} of the ${chipsText(a.wageringRequirement)} required before winnings can be cashed out: until then only chips you deposited can be.`,
      );
    }
  }
  if (a.bonusRefused) lines.push(refusedText(a.bonusRefused));
  if (a.withdrawable !== undefined && a.withdrawableCoins !== undefined)
    lines.push(`You can cash out ${chipsText(a.withdrawable)} now: ${coinsText(a.withdrawableCoins)}${a.minCashOutCoins ? `, at least ${coinsText(a.minCashOutCoins)} at a time` : ''}.`);
  return lines;
}

/** Why `text` is not a number of coins to cash out, or the number. */
export function checkCashOut(text: string, a: ChipsAnswer): { coins: number } | { problem: string } {
  if (a.withdrawableCoins === undefined) return { problem: 'This server does not take cash-outs.' };
  if (!/^\s*\d+\s*$/.test(text)) return { problem: 'Cash out a whole number of coins.' };
  const coins = Number(text.trim());
  const min = a.minCashOutCoins ?? 1;
  if (coins < min) return { problem: `Cash out at least ${coinsText(min)}.` };
  if (coins > a.withdrawableCoins) return { problem: `You can cash out ${coinsText(a.withdrawableCoins)} now, not ${coins.toLocaleString('en-US')}${whyNotMore(a)}.` };
  return { coins };
}

/**
 * The gate's reason for refusing the bonus as one sentence: the server's reason may already say
 * "no free starting chips for this address: …" and what to do (deposit), so neither is said twice.
 */
function refusedText(reason: string): string {
  const bare = reason.trim().replace(/\.$/, '');
  const said = /^no (free starting chips|starting bonus)/i.test(bare) ? bare : `No starting bonus for this address: ${bare}`;
  return `${said.charAt(0).toUpperCase()}${said.slice(1)}.${/deposit/i.test(bare) ? '' : ' Deposit coins to play.'}`;
}

/** Why no more can leave, after a colon, or '': the bonus stays, and before the wagering only deposits leave. */
function whyNotMore(a: ChipsAnswer): string {
  const bonus = a.bonus ?? 0;
  if (bonus <= 0) return '';
  if (a.wagered !== undefined && a.wageringRequirement !== undefined && a.wagered < a.wageringRequirement)
    return `: until you have wagered ${chipsText(a.wageringRequirement)} in all (${formatChips(a.wagered)} so far), only chips you deposited can be cashed out, and your ${chipsText(bonus)} of bonus never can`;
  return `: your ${chipsText(bonus)} of bonus ${bonus === UNITS_PER_CHIP ? 'is' : 'are'} never cashed out, only what you have beyond ${bonus === UNITS_PER_CHIP ? 'it' : 'them'}`;
}

/** Why `text` is not a number of coins to deposit out of `held`, or the number. */
export function checkDeposit(text: string, held: bigint): { coins: bigint } | { problem: string } {
  if (!/^\s*\d+\s*$/.test(text)) return { problem: 'Deposit a whole number of coins, 1 or more.' };
  const coins = BigInt(text.trim());
  if (coins < 1n) return { problem: 'Deposit at least 1 coin.' };
  if (coins > held) return { problem: `You hold ${coinsText(held)} on the chain, so you cannot deposit ${coins.toLocaleString('en-US')}.` };
  return { coins };
}
