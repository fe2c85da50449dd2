/**
 * What the court card says, in plain words: the court's bond, a reveal waiting for bond, an
 * answer and how it settled the draw, and coins the court holds for the player (from a claim). Pure functions of what
 * the chain said, so the card's wording lives in one place.
 * @module
 */
import type { CaseState } from './court-actions.ts';
import type { CourtBond } from './court-bond.ts';
import { formatChips } from '../../games/chips.ts';

type Answered = Extract<CaseState, { status: 'answered' }>;

/** The card's bond line. */
export function bondText(bond: CourtBond | undefined): string {
  if (!bond) return "The court's bond: not read yet.";
  return `The court pays from a bond of coins it holds: ${bond.free} free for new cases, ${bond.reserved} reserved for cases still open.`;
}

/** A reveal the court refused for want of bond, tried again until the reveal deadline (ms). */
export function bondWaitText(wait: { needed: bigint; available: bigint; next: number }, revealDeadline: number): string {
  return (
    `The court's bond has only ${wait.available} coins free, less than the ${wait.needed} this draw could pay, so the court refused the reveal for now. ` +
    `This page tries again every 30 s (next at ${new Date(wait.next).toLocaleTimeString()}) until the receipt's reveal deadline, ${new Date(revealDeadline).toLocaleString()}.`
  );
}

const coins = (n: number | bigint) => `${n} coin${n === 1 || n === 1n ? '' : 's'}`;

/**
 * What the answer paid (0 coins is right: wins and losses move chips only) and how it settled the
 * draw; `voided`: the page saw the room void the draw, so the answer settled it in chips.
 */
export function payoutText(state: Answered, voided: boolean): { text: string; ok: boolean } {
  if (state.payoutProblems?.length) return { text: `✗ the answer is wrong: ${state.payoutProblems.join('; ')}.`, ok: false };
  if (state.payout > 0) return { text: `✗ the answer paid ${coins(state.payout)}, where an answer owes none: a draw is settled in chips.`, ok: false };
  if (voided && state.settledUnits !== undefined) {
    const how = state.settledUnits > 0 ? `it won, and ${formatChips(state.settledUnits)} chips were credited to you` : 'it lost, so the stake the void gave back was taken again';
    return { text: `It settled the draw in chips, as its outcome would have been: ${how}. Coins come only from cashing out.`, ok: true };
  }
  if (voided) return { text: 'It settled the draw in chips, as its outcome would have been.', ok: true };
  return { text: 'It paid no coins and moved no chips: nothing is owed if the room settled this draw (its transcript shows the outcome).', ok: true };
}

/** The card's line for coins the court holds for the player, before its Collect button. */
export function heldText(held: bigint): string {
  return `${coins(held)} ${held === 1n ? 'is' : 'are'} held for you by the court (your address refused the transfer): `;
}

/** The proof's mark after the answer's beta. */
export function proofText(state: Answered): string {
  if (state.proofHolds === undefined) return '';
  return state.proofHolds ? ' ✓ proof checked against the pinned VRF key' : ' ✗ the proof does NOT hold against the pinned VRF key: a signed, public proof of cheating';
}
