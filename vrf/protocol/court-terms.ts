/**
 * A receipt's court terms (FAIRNESS.md section 5c): `revealDeadline`, until when its player may
 * take it to the reveal court, and `maxPayout`, the whole coins an unanswered case pays: the
 * most the draw can pay back, stake included, by its mapping under the rules it names, rounded
 * down to whole chips. The server writes them on every receipt; the transcript verifier checks
 * them when present; a player reveals only to a receipt that has them (`receiptProblems`).
 * @module
 */
import type { RulesTerms } from '../../games/game-rules.ts';
import { wholeChips } from '../../games/chips.ts';
import { outcomeMappings } from '../../games/registry.ts';
import type { JsonValue } from './encoding.ts';
import type { ReceiptRecord } from './records.ts';

/** The least time a player accepts between a receipt's issue and its reveal deadline: 1 hour. */
export const MIN_REVEAL_WINDOW_MS = 3_600_000;
/** The server's default reveal window (REVEAL_COURT_WINDOW_SECONDS): 24 hours. */
export const DEFAULT_REVEAL_WINDOW_MS = 86_400_000;

/** A draw as its court terms depend on it. */
export interface CourtDraw {
  readonly game: string;
  readonly kind: string;
  readonly action: Readonly<Record<string, JsonValue>>;
}

/** The `maxPayout` of a draw under `terms`, in whole coins. Throws on an unknown mapping, or an action or terms it refuses. */
export function courtMaxPayout(draw: CourtDraw, terms: RulesTerms | undefined): number {
  const mapping = outcomeMappings[`${draw.game}/${draw.kind}`];
  if (!mapping) throw new Error(`no published mapping for ${draw.game}/${draw.kind}`);
  return wholeChips(mapping.maxPayout({ ...draw.action }, terms));
}

/**
 * What is wrong with a receipt's court terms under the terms of the rules it names, or []: none
 * when it carries none (a receipt written before them). `minWindowMs` is the least distance from
 * issue to deadline the caller accepts: the transcript verifier asks only that the deadline come
 * after the issue, the player asks for MIN_REVEAL_WINDOW_MS. Never throws.
 */
export function courtTermsProblems(receipt: ReceiptRecord, terms: RulesTerms | undefined, minWindowMs = 1): string[] {
  const { revealDeadline, maxPayout } = receipt;
  if (revealDeadline === undefined || maxPayout === undefined) return [];
  const problems: string[] = [];
  if (revealDeadline < receipt.issuedAt + minWindowMs)
    problems.push(
      minWindowMs > 1
        ? `revealDeadline ${revealDeadline} is less than ${minWindowMs / 3_600_000} h after issuedAt ${receipt.issuedAt}`
        : `revealDeadline ${revealDeadline} is not after issuedAt ${receipt.issuedAt}`,
    );
  try {
    const expected = courtMaxPayout(receipt, terms);
    if (maxPayout !== expected) problems.push(`maxPayout ${maxPayout} where the mapping's most, in whole coins, is ${expected}`);
  } catch (e) {
    problems.push(`maxPayout cannot be worked out: ${(e as Error).message}`);
  }
  return problems;
}
