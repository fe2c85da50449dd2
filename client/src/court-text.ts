/**
 * What the court card says, in plain words: the court's bond, a reveal waiting for bond, and an
 * answer with the coins it paid. Pure functions of what the chain said, so the card's wording
 * lives in one place.
 * @module
 */
import type { CaseState } from './court-actions.ts';
import type { CourtBond } from './court-bond.ts';

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

/** What the answer paid, and whether that is what the draw owes; `voided`: the page saw the room void the draw. */
export function payoutText(state: Answered, voided: boolean): { text: string; ok: boolean } {
  if (state.payoutProblems?.length) return { text: `✗ the answer is wrong: ${state.payoutProblems.join('; ')}.`, ok: false };
  if (state.payout > 0) return { text: `It paid you ${state.payout} coin${state.payout === 1 ? '' : 's'}: what the draw's outcome wins.`, ok: true };
  if (voided) return { text: 'The draw lost: nothing owed.', ok: true };
  return { text: 'It paid no coins: nothing is owed if the room settled this draw (its transcript shows the outcome).', ok: true };
}

/** The proof's mark after the answer's beta. */
export function proofText(state: Answered): string {
  if (state.proofHolds === undefined) return '';
  return state.proofHolds ? ' ✓ proof checked against the pinned VRF key' : ' ✗ the proof does NOT hold against the pinned VRF key: a signed, public proof of cheating';
}
