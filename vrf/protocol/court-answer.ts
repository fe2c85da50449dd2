/**
 * The check of a reveal court answer (FAIRNESS.md section 10): what anyone holding the receipt,
 * the seed the court made public and the room's transcript can say of `Answered(caseId, beta, pi,
 * payout)`. The proof must be the pinned VRF key's over alpha rebuilt from the receipt and the
 * seed, giving beta. A draw the transcript settled with an outcome was paid by its room: the
 * answer must post that outcome's beta and pay 0. Any other draw (voided, or never ended) is
 * settled by the answer in chips, as its outcome would have been (`courtSettlement`): wins and
 * losses move chips only, so the answer pays 0 coins there too. Only a claim pays coins.
 *
 * Used by the CLI (`--court`, reading Answered events) and the tests; input is untrusted:
 * problems are reported, nothing throws.
 * @module
 */
import type { RulesTerms } from '../../games/game-rules.ts';
import { getSuite } from '../index.ts';
import { receiptAlpha } from './alpha.ts';
import { seedCommitment, vrfKeyId } from './commitment.ts';
import { courtSettlement } from './court-payout.ts';
import { bytesToHex, hexToBytes } from './encoding.ts';
import type { DrawRecord, OutcomeRecord, ReceiptRecord } from './records.ts';

/** What the court's `Answered` event holds: beta and pi as hex (with or without 0x), payout in whole coins. */
export interface CourtAnswer {
  readonly beta: string;
  readonly pi: string;
  readonly payout: number;
}

const bare = (hex: string): string => (hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex).toLowerCase();

/** The outcome record of the receipt's draw among `records`, if the transcript has one. */
export function outcomeOfDraw(receipt: ReceiptRecord, records: readonly DrawRecord[]): OutcomeRecord | undefined {
  return records.find(
    (r): r is OutcomeRecord => r.type === 'outcome' && r.roomId === receipt.roomId && r.drawSeq === receipt.drawSeq && r.receiptSeq === receipt.seq,
  );
}

/**
 * What is wrong with `answer` to the court case of `receipt` (one player, whose revealed seed is
 * `seed`), given the room's records (all of them, or at least the draw's) and the pinned VRF
 * public key (hex) of the receipt's suite, and the terms of the rules the receipt names. [] when
 * the answer is right. Never throws.
 */
export function courtAnswerProblems(
  receipt: ReceiptRecord,
  seed: string,
  answer: CourtAnswer,
  records: readonly DrawRecord[],
  publicKey: string,
  terms: RulesTerms | undefined,
): string[] {
  try {
    return check(receipt, bare(seed), answer, records, publicKey, terms);
  } catch (e) {
    return [`the answer cannot be checked: ${(e as Error).message}`];
  }
}

function check(receipt: ReceiptRecord, seed: string, answer: CourtAnswer, records: readonly DrawRecord[], publicKey: string, terms: RulesTerms | undefined): string[] {
  const problems: string[] = [];
  if (receipt.players.length !== 1) return ['only a one-player draw goes to the court'];
  if (seedCommitment(seed) !== receipt.commitments[0]) return ['the seed does not match the receipt commitment'];
  const { payout } = answer;
  if (!Number.isSafeInteger(payout) || payout < 0) problems.push(`payout ${payout} is not a whole number of coins`);
  else if (receipt.maxPayout !== undefined && payout > receipt.maxPayout) problems.push(`payout ${payout} is above the receipt's maxPayout ${receipt.maxPayout}`);

  const suite = getSuite(receipt.suite);
  const key = hexToBytes(bare(publicKey));
  if (receipt.keyId !== vrfKeyId(suite.name, key)) return [...problems, 'receipt keyId is not the pinned key'];
  const beta = bare(answer.beta);
  const verified = suite.verify(key, receiptAlpha(receipt, [seed]), hexToBytes(bare(answer.pi)));
  if (!verified.valid) return [...problems, `proof: ${verified.reason}`];
  if (bytesToHex(verified.beta) !== beta) return [...problems, 'beta differs from the proof output'];

  const outcome = outcomeOfDraw(receipt, records);
  if (outcome) {
    // Settled by the room: the answer restates the outcome, and the room paid it.
    if (outcome.beta !== beta) problems.push("beta differs from the outcome's beta in the transcript");
    if (payout !== 0) problems.push(`payout ${payout} for a draw its room settled (in chips): 0 coins are owed`);
    return problems;
  }
  const owed = courtSettlement(receipt, verified.beta, terms).coins;
  if (payout !== owed) problems.push(`payout ${payout} where the answer owes ${owed} coins (the draw is settled in chips)`);
  return problems;
}
