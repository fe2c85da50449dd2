/**
 * How a court answer settles a draw the transcript never settled (a void, or a draw its room
 * never ended), FAIRNESS.md section 10. The outcome is the mapping's result for the answered
 * beta with no moves (a blackjack hand stands on its first two cards, as a hand whose clock ran
 * out does). Wins and losses move chips only, so the draw is settled in chips as its outcome
 * would have been (the server credits the payout, and takes a voided draw's refunded stake
 * again), and the answer itself pays 0 coins. Coins leave the court only on a claim: a case
 * never answered pays the receipt's maxPayout from the bond.
 * A draw with an outcome record was settled by its room: its answer pays 0 and moves no chips.
 * @module
 */
import type { RulesTerms } from '../../games/game-rules.ts';
import { outcomeMappings } from '../../games/registry.ts';
import type { JsonValue } from './encoding.ts';
import type { ReceiptRecord } from './records.ts';

/** The settlement of a draw without an outcome record, by the court's answer. */
export interface CourtSettlement {
  /** The mapping's result with no moves: what the outcome record would have held. */
  readonly result: Record<string, JsonValue>;
  /** `result.payout`, in units (0 when the result has none). */
  readonly payoutUnits: number;
  /** The stake the receipt took, in units (`action.stake`, 0 when it has none). */
  readonly stakeUnits: number;
  /** The coins the answer pays: 0 for every draw (the draw is settled in chips). */
  readonly coins: 0;
}

const units = (v: JsonValue | undefined): number => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : 0);

/**
 * The settlement of `receipt`'s draw for `beta` under the terms of the rules its `rulesHash`
 * names. Throws on an unknown mapping, or an action or terms the mapping refuses.
 */
export function courtSettlement(receipt: Pick<ReceiptRecord, 'game' | 'kind' | 'action'>, beta: Uint8Array, terms: RulesTerms | undefined): CourtSettlement {
  const mapping = outcomeMappings[`${receipt.game}/${receipt.kind}`];
  if (!mapping) throw new Error(`no published mapping for ${receipt.game}/${receipt.kind}`);
  const result = mapping.result(beta, { ...receipt.action }, [], terms);
  const payoutUnits = units(result['payout']);
  const stakeUnits = units(receipt.action['stake']);
  return { result, payoutUnits, stakeUnits, coins: 0 };
}
