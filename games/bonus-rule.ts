/**
 * The bonus rule (docs/economy.md): which of a player's chips may be cashed out as coins. The
 * starting allowance is a bonus: it can be played but never cashed out ("sticky"), and only once
 * the player has staked `multiple` times the bonus (the wagering requirement) may the chips
 * beyond the bonus leave; before that, only chips the player deposited can. Amounts are units
 * (`games/chips.ts`). Browser-safe: the server's ledger and the page's cashier use the same code.
 * @module
 */
import { UNITS_PER_CHIP } from './chips.ts';

/** `BONUS_WAGER_MULTIPLE`'s default: the bonus is to be staked 30 times over. */
export const DEFAULT_BONUS_WAGER_MULTIPLE = 30;

/** What the rule reads of an address, in units. */
export interface BonusStanding {
  /** The chip balance. */
  readonly balance: number;
  /** The bonus granted (the starting allowance), never withdrawable. */
  readonly bonus: number;
  /** Every stake (and blackjack double) so far, less the stakes of voided bets given back (refunds). */
  readonly wagered: number;
  /** Coins deposited less coins cashed out, in units. */
  readonly netDeposit: number;
}

/** Units to stake before the chips won beyond the bonus may leave: `multiple` x bonus (a safe integer, or the largest one). */
export function wageringRequirement(bonus: number, multiple: number): number {
  const w = BigInt(bonus) * BigInt(multiple);
  return w > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(w);
}

/** Whether the address has staked enough for its winnings to leave. */
export function wageringMet(s: Pick<BonusStanding, 'bonus' | 'wagered'>, multiple: number): boolean {
  return BigInt(s.wagered) >= BigInt(s.bonus) * BigInt(multiple);
}

/**
 * The units that may be cashed out: everything with no bonus; past the wagering requirement,
 * the balance beyond the bonus; before it, no more than was deposited (net of cash-outs). Never negative.
 */
export function withdrawableUnits(s: BonusStanding, multiple: number): number {
  if (s.bonus <= 0) return Math.max(0, s.balance);
  if (wageringMet(s, multiple)) return Math.max(0, s.balance - s.bonus);
  return Math.max(0, Math.min(s.balance - s.bonus, s.netDeposit));
}

/** The whole coins in an amount of withdrawable units (a cash-out is whole coins: 1 coin = 1 chip). */
export function withdrawableCoins(units: number): number {
  return Math.max(0, Math.floor(units / UNITS_PER_CHIP));
}
