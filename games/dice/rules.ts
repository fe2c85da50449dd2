/**
 * Dice, over/under (FAIRNESS.md section 8, mapping `dice-v2`). The roll is a uniform integer in
 * [0, 9999] drawn from beta; the player wins with `under` if roll < target, with `over` if
 * roll > target. The payout, stake included, is floor(stake * (10000 - edgeBps) / winningRolls):
 * the published house edge, exactly, on every bet. `stake` and `payout` are in units, 10^6 to the
 * chip (`games/chips.ts`), so the rounding down costs the player less than one unit. In v2 the
 * edge is a term of the rules document (the receipt pins its hash); a v1 receipt (`dice-v1`)
 * carried it in the action.
 * @module
 */
import { z } from 'zod';
import { OutcomeReader } from '../../vrf/outcome.ts';
import { formatChips } from '../chips.ts';
import { chips, chipsOf, TracedStream } from '../explain.ts';
import { noMoves, type Explanation, type ExplainStep, type GameRules } from '../game-rules.ts';

export const DICE_MAPPING = 'dice-v2';
export const ROLLS = 10_000;
/** Win chance bounds, in rolls out of 10,000: 1% to 98%. */
export const MIN_WINNING_ROLLS = 100;
export const MAX_WINNING_ROLLS = 9_800;

/** The largest stake, in units: a win pays at most 99 times it (at 1% to win), a safe integer. */
export const MAX_STAKE_UNITS = Math.floor(Number.MAX_SAFE_INTEGER / 100);

/** A bet as the player makes it and a v2 receipt holds it. */
export const DiceBetSchema = z.strictObject({
  /** In units (`games/chips.ts`); at most MAX_STAKE_UNITS, so that every payout is a safe integer. */
  stake: z.number().int().min(1).max(MAX_STAKE_UNITS),
  target: z.number().int().min(0).max(ROLLS - 1),
  direction: z.enum(['under', 'over']),
});
export type DiceBet = z.infer<typeof DiceBetSchema>;
/** The edges an operator may set, in basis points: 0 to 10%. */
export const MAX_EDGE_BPS = 1_000;
const EdgeSchema = z.number().int().min(0).max(10_000);
/** A bet with the edge it is played at: a v1 receipt's action, and what the payout is computed from. */
export const DiceActionSchema = DiceBetSchema.extend({ edgeBps: EdgeSchema });
export type DiceAction = z.infer<typeof DiceActionSchema>;
/** The house edge of the published rules, in basis points (100 = 1%). */
export const DEFAULT_EDGE_BPS = 100;

export interface DiceResult {
  readonly roll: number;
  readonly win: boolean;
  /** In units, stake included; 0 on a loss. */
  readonly payout: number;
}

/** How many of the 10,000 rolls win this bet. */
export function winningRolls(a: Pick<DiceAction, 'target' | 'direction'>): number {
  return a.direction === 'under' ? a.target : ROLLS - 1 - a.target;
}

/** Why a bet is not allowed, or undefined if it is. */
export function diceActionProblem(a: DiceAction): string | undefined {
  const w = winningRolls(a);
  if (w < MIN_WINNING_ROLLS || w > MAX_WINNING_ROLLS)
    return `win chance must be between ${MIN_WINNING_ROLLS / 100}% and ${MAX_WINNING_ROLLS / 100}%`;
  return undefined;
}

/** Total paid back on a win, stake included, in units: rounded down, so exact to one unit. */
export function payoutOnWin(a: DiceAction): number {
  return Number((BigInt(a.stake) * BigInt(ROLLS - a.edgeBps)) / BigInt(winningRolls(a)));
}

export function diceOutcome(beta: Uint8Array, a: DiceAction): DiceResult {
  const roll = new OutcomeReader(beta).int(ROLLS);
  const win = a.direction === 'under' ? roll < a.target : roll > a.target;
  return { roll, win, payout: win ? payoutOnWin(a) : 0 };
}

/** A roll in words: "rolled 5931 — needed under 100 — lost", "… — won 19.8 chips". */
export function describeRoll(result: Readonly<Record<string, unknown>>, action: Readonly<Record<string, unknown>>): string {
  const needed = action['direction'] === undefined || action['target'] === undefined ? '' : ` — needed ${String(action['direction'])} ${String(action['target'])}`;
  const payout = Number(result['payout']);
  const verdict = result['win'] === true && Number.isSafeInteger(payout) ? `won ${chips(payout)}` : 'lost';
  return `rolled ${String(result['roll'])}${needed} — ${verdict}`;
}

/** The roll and its payout step by step, from beta's bytes (see `diceOutcome`). */
function explainRoll(beta: Uint8Array, a: DiceAction): Explanation {
  const wins = winningRolls(a);
  const steps: ExplainStep[] = [
    { label: 'your bet', value: `roll ${a.direction} ${a.target}, staking ${chips(a.stake)}: ${wins} of the ${ROLLS} rolls win, house edge ${a.edgeBps / 100}%` },
  ];
  const { value: roll, attempts } = new TracedStream(beta).int(ROLLS);
  attempts.forEach((attempt, i) => steps.push({ label: i === 0 ? `a number from 0 to ${ROLLS - 1}: beta's first bytes` : 'too big, so the next bytes', value: attempt }));
  steps.push({ label: 'the roll', value: String(roll) });
  const win = a.direction === 'under' ? roll < a.target : roll > a.target;
  steps.push({ label: `needed ${a.direction} ${a.target}`, value: `${roll} is ${win ? '' : 'not '}${a.direction} ${a.target} → ${win ? 'won' : 'lost'}` });
  const payout = win ? payoutOnWin(a) : 0;
  steps.push({
    label: 'paid back',
    value: win
      ? `stake × (${ROLLS} − edge) ÷ winning rolls = ${formatChips(a.stake)} × ${ROLLS - a.edgeBps} ÷ ${wins} = ${chips(payout)} (rounded down to the unit)`
      : '0 chips: the stake is lost',
  });
  const result = { roll, win, payout };
  return [...steps, { label: 'result', value: describeRoll(result, a), result }];
}

const DiceTermsSchema = z.object({ edgeBps: EdgeSchema });

/** The bet with the edge it is played at: v2, the bet alone and the edge from the rules; v1, the edge was in the action. Throws on a bet not allowed. */
function playedAction(action: Record<string, unknown>, terms: Readonly<Record<string, unknown>> | undefined): DiceAction {
  const a = terms === undefined ? DiceActionSchema.parse(action) : { ...DiceBetSchema.parse(action), edgeBps: DiceTermsSchema.parse(terms).edgeBps };
  const problem = diceActionProblem(a);
  if (problem) throw new Error(problem);
  return a;
}

export const dice: GameRules = {
  id: 'dice',
  title: 'Dice',
  maxClients: 16,
  terms: { edgeBps: DEFAULT_EDGE_BPS, rolls: ROLLS, minWinningRolls: MIN_WINNING_ROLLS, maxWinningRolls: MAX_WINNING_ROLLS },
  configurableTerms: ['edgeBps'],
  termsProblem: (terms) => {
    const edge = terms['edgeBps'];
    return Number.isInteger(edge) && (edge as number) >= 0 && (edge as number) <= MAX_EDGE_BPS ? undefined : `edgeBps must be an integer from 0 to ${MAX_EDGE_BPS}`;
  },
  mappings: {
    roll: {
      version: DICE_MAPPING,
      result(beta, action, moves, terms) {
        noMoves(moves);
        return { ...diceOutcome(beta, playedAction(action, terms)) };
      },
      // A win is the only paying result, and it pays the same whatever the roll.
      maxPayout: (action, terms) => payoutOnWin(playedAction(action, terms)),
      explain: (beta, action, moves, terms) => (noMoves(moves), explainRoll(beta, playedAction(action, terms))),
      describe: describeRoll,
      describeRequest: (a) => `bet ${chipsOf(a['stake'])} on a roll ${String(a['direction'])} ${String(a['target'])}`,
      tally: {
        title: 'Dice rolls against the expected distribution',
        unit: ['roll', 'rolls'],
        bins: Array.from({ length: 10 }, (_, i) => ({ label: `${(i * ROLLS) / 10}–${((i + 1) * ROLLS) / 10 - 1}`, weight: 1 })),
        binOf: (r) => (Number.isInteger(r['roll']) && (r['roll'] as number) >= 0 && (r['roll'] as number) < ROLLS ? Math.floor(((r['roll'] as number) * 10) / ROLLS) : undefined),
      },
    },
  },
};
