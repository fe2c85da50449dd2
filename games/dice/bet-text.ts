/**
 * The dice bet in words and numbers as the page shows them: the stake typed, the result line of
 * the history, the spoken sentence of a result, the slider's range and its value in words, and
 * the multiplier. Amounts are shown in chips (`games/chips.ts`).
 * @module
 */
import { formatChips, parseChips } from '../chips.ts';
import { MAX_WINNING_ROLLS, MIN_WINNING_ROLLS, ROLLS } from './rules.ts';

export type Direction = 'under' | 'over';
export interface Bet {
  /** In units. */
  stake: number;
  target: number;
  direction: Direction;
}

/** The stake typed (chips, up to 2 decimals) in units, or undefined if it is not one. */
export function stakeUnits(text: string): number | undefined {
  try {
    return parseChips(text, 2);
  } catch {
    return undefined;
  }
}

/**
 * A roll as the player reads it: "rolled 5931 — needed under 100 — lost", then the stake and the
 * draw number for the history; `paid` (units, stake included) on a win.
 */
export function resultLine(drawSeq: number, roll: number, action: Partial<Bet>, paid: number | undefined): string {
  const needed = action.direction === undefined || action.target === undefined ? '' : ` — needed ${action.direction} ${action.target}`;
  const verdict = paid === undefined ? 'lost' : `won ${formatChips(paid)} chips`;
  const staked = action.stake === undefined ? '' : `staked ${formatChips(action.stake)} ${formatChips(action.stake) === '1' ? 'chip' : 'chips'}, `;
  return `rolled ${roll}${needed} — ${verdict} (${staked}draw ${drawSeq})`;
}

/** The outcome in a few words, as the stage shows it: "Rolled 5931, needed under 100: lost". */
export function outcomeWords(roll: number, action: Partial<Bet>, paid: number | undefined): string {
  const needed = action.direction === undefined || action.target === undefined ? '' : `, needed ${action.direction} ${action.target}`;
  return `Rolled ${roll}${needed}: ${paid === undefined ? 'lost' : `won ${formatChips(paid)} chips`}`;
}

/** One plain sentence for a screen reader: "Rolled 5931, needed under 100: lost. Verified." */
export function resultSentence(roll: number, action: Partial<Bet>, paid: number | undefined, problems: readonly string[]): string {
  const checked = problems.length ? `Verification failed: ${problems.join('; ')}.` : 'Verified.';
  return `${outcomeWords(roll, action, paid)}. ${checked}`;
}

/** The targets the server takes for a direction: those with 1% to 98% of the rolls winning. */
export function targetRange(direction: Direction): { min: number; max: number } {
  return direction === 'under' ? { min: MIN_WINNING_ROLLS, max: MAX_WINNING_ROLLS } : { min: ROLLS - 1 - MAX_WINNING_ROLLS, max: ROLLS - 1 - MIN_WINNING_ROLLS };
}

/** The slider's value in words: "win chance 49 percent: roll under 4900 wins". */
export function targetInWords(target: number, direction: Direction, wins: number): string {
  return `win chance ${Number((wins / 100).toFixed(2))} percent: roll ${direction} ${target} wins`;
}

/** What a win pays per chip staked, (10000 − edge) / winning rolls, to 4 decimals at most: "1.98". */
export function multiplier(edgeBps: number, wins: number): string {
  return String(Number(((ROLLS - edgeBps) / wins).toFixed(4)));
}
