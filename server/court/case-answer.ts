/**
 * What the server answers to a case brought to the reveal court: the outcome of the draw whose
 * receipt the player revealed (beta and the proof pi), or why it cannot answer.
 *
 * The case id is the receipt's EIP-712 digest, so the receipt the court checked is exactly the
 * one this server signed for (roomId, drawSeq) only if the stored receipt hashes to it. The
 * answer is the draw's outcome record when there is one; otherwise (a void, or a draw never
 * settled because the server was down) the draw is proven now from the receipt and the seed the
 * court made public: the same alpha, so the same beta, as the room would have recorded.
 *
 * A draw still pending in its room (a receipt with neither outcome nor void yet) is not answered
 * at once: the answer would tell the player the outcome while they may still choose to reveal the
 * seed to the room (a win) or let the draw void and its stake be refunded (a loss), a free option
 * at the house's expense, and in blackjack the deck before the player's moves. It is answered once
 * the room has ended the draw (its reveal clock is at most a minute), or, should the room never
 * end it, once `pendingHoldMs` after issue has passed: never earlier, whatever `answerBy` says. A
 * court whose answer window ends before that (COURT_ANSWER_SECONDS is at least 900 s, so only a
 * court deployed otherwise) may see such a case claimed: the pending answer says so (`late`).
 *
 * The answer also says what it pays (the court pays it from its bond: 0 coins, since wins and
 * losses move chips only) and what it does to chips. A draw with an outcome record was settled by
 * its room: no chips. A draw proven now is settled in chips as its outcome would have been
 * (vrf/protocol/court-payout.ts): its payout credited, and, for a void, the stake the void
 * refunded taken again, so that a player who withheld their seed to get a void gains nothing by
 * going to the court.
 * Its outcome is worked out under the terms of the rules the receipt names: the served ones, or
 * rules served before, kept by hash (fairness/rules-archive.ts). Only a receipt naming rules this
 * server never served, or a mapping version whose code it no longer runs, cannot be answered here
 * (the case will be claimed).
 * @module
 */
import { receiptTerms } from '../fairness/receipt-terms.ts';
import type { RulesTerms } from '../../games/game-rules.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import { seedCommitment } from '../../vrf/protocol/commitment.ts';
import { courtSettlement, type CourtSettlement } from '../../vrf/protocol/court-payout.ts';
import { bytesToHex, hexToBytes } from '../../vrf/protocol/encoding.ts';
import { receiptDigest } from '../../vrf/protocol/receipt.ts';
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import type { ChipEntry } from '../chips/chip-ledger.ts';
import type { FairnessContext } from '../fairness/context.ts';
import { DamagedRecord } from '../fairness/damaged-record.ts';
import type { Prover } from '../fairness/prover.ts';
import type { RulesArchive } from '../fairness/rules-archive.ts';
import type { RoomRecords } from '../fairness/room-records.ts';
import { isRoomId } from '../fairness/room-store.ts';
import type { RevealedCase } from './court-contract.ts';

export type CaseAnswer =
  | {
      readonly kind: 'answer';
      readonly beta: Uint8Array;
      readonly pi: Uint8Array;
      /** 'outcome': the draw's outcome record; 'proof': proven now for a draw its room never settled. */
      readonly from: 'outcome' | 'proof';
      /** The coins the court pays the player with the answer: 0 (the draw is settled in `chips`). */
      readonly payout: number;
      /** The chip entries that settle the draw, applied (committed) before the answer is sent. */
      readonly chips: readonly ChipEntry[];
      /** The receipt the case was revealed with: a court that verifies the answer (proven-answer.ts) takes it too. */
      readonly receipt: ReceiptRecord;
    }
  /**
   * The draw is still pending in its room: asked again on a later poll, answered by `until` (ms)
   * at the latest. `late`: why that comes after the court's `answerBy` (the case may be claimed first).
   */
  | { readonly kind: 'pending'; readonly until: number; readonly late?: string }
  /**
   * Not answered, logged. `claimable`: the receipt is this server's and the player's, but the
   * server cannot answer it (rules or a VRF key it no longer holds): the case will be claimed.
   * Otherwise not this server's receipt (another signer, an unknown room or draw).
   */
  | { readonly kind: 'unknown'; readonly reason: string; readonly claimable?: true };

/** The rules each game's draws are served under, and their hash, by game id (`FairnessContext.rules`). */
export type ServedRules = FairnessContext['rules'];

export interface CaseAnswerDeps {
  readonly rooms: Pick<RoomRecords, 'records'>;
  readonly prover: Pick<Prover, 'prove'>;
  /** The key id of the prover's VRF key: a draw receipted under another key is not proven with this one. */
  readonly keyId: string;
  /** Provers of the VRF keys of suites the server no longer draws with, by key id (server/keys.ts `loadRetiredVrfKeys`). */
  readonly retiredProvers?: ReadonlyMap<string, Pick<Prover, 'prove'>>;
  /** The rules served: a draw proven now is settled under the terms of the rules its receipt names. */
  readonly rules: ServedRules;
  /** Every rules document served before, by hash: a receipt under rules no longer served is settled under them. */
  readonly pastRules?: Pick<RulesArchive, 'find'>;
  /** The clock (ms since 1970). Default Date.now. */
  readonly now?: () => number;
  /** How long after its issue a draw the room has not ended is left to the room. Default PENDING_HOLD_MS. */
  readonly pendingHoldMs?: number;
}

/** Five times the longest reveal clock of any game (60 s): a draw still pending after that was left by its room. */
export const PENDING_HOLD_MS = 300_000;
/** An answer sent this long before `answerBy` is taken to be in time (a few blocks, a retried send). */
const ANSWER_MARGIN_MS = 30_000;

const unknown = (reason: string): CaseAnswer => ({ kind: 'unknown', reason });
const claimable = (reason: string): CaseAnswer => ({ kind: 'unknown', reason, claimable: true });

/**
 * The answer to `c`. Throws only when the answer cannot be worked out now (the database or the
 * prover failed): the watcher tries again on its next poll.
 */
export async function answerCase(c: RevealedCase, deps: CaseAnswerDeps): Promise<CaseAnswer> {
  if (!isRoomId(c.roomId) || !Number.isSafeInteger(c.drawSeq)) return unknown('no room or draw of this server has that name');
  let records: HashedRecord[] | undefined;
  try {
    records = await deps.rooms.records(c.roomId);
  } catch (e) {
    // A room set aside as damaged cannot be read: nothing to answer from, whatever the retries.
    if (e instanceof DamagedRecord) return unknown(e.message);
    throw e;
  }
  if (!records) return unknown(`no room ${c.roomId}`);
  const receipt = records.find((r): r is ReceiptRecord & { hash: string } => r.type === 'receipt' && r.drawSeq === c.drawSeq);
  if (!receipt) return unknown(`room ${c.roomId} has no receipt for draw ${c.drawSeq}`);
  if (bytesToHex(receiptDigest(receipt)) !== c.caseId) return unknown(`the receipt revealed is not the one this server signed for ${c.roomId}/${c.drawSeq}`);
  if (receipt.players.length !== 1 || seedCommitment(c.seed) !== receipt.commitments[0]) return unknown('the revealed seed is not the receipt\'s (the court checks it: this cannot happen)');
  const outcome = records.find((r) => r.type === 'outcome' && r.drawSeq === c.drawSeq);
  // Paid by its room when it settled: the answer pays nothing more.
  if (outcome?.type === 'outcome') return { kind: 'answer', beta: hexToBytes(outcome.beta), pi: hexToBytes(outcome.pi), from: 'outcome', payout: 0, chips: [], receipt };
  const voided = records.some((r) => r.type === 'void' && r.drawSeq === c.drawSeq);
  if (!voided) {
    // Never before the hold ends: an earlier answer would be an oracle while the room's reveal clock runs.
    const until = receipt.issuedAt + (deps.pendingHoldMs ?? PENDING_HOLD_MS);
    if ((deps.now ?? Date.now)() < until) {
      if (c.answerBy * 1000 - ANSWER_MARGIN_MS >= until) return { kind: 'pending', until };
      const late = `the court's answer window closes at ${new Date(c.answerBy * 1000).toISOString()}, before the hold on this still pending draw ends at ${new Date(until).toISOString()} (less ${ANSWER_MARGIN_MS / 1000} s): the court's window is too short for this server, the case may be claimed`;
      return { kind: 'pending', until, late };
    }
  }
  const draw = `${c.roomId}/${c.drawSeq}`;
  // A proof under another key would be a wrong answer: a signed proof of cheating.
  const prover = receipt.keyId === deps.keyId ? deps.prover : deps.retiredProvers?.get(receipt.keyId);
  if (!prover) return claimable(`draw ${draw} was receipted under VRF key ${receipt.keyId}, and the server holds ${[deps.keyId, ...(deps.retiredProvers?.keys() ?? [])].join(', ')}`);
  const terms = await termsOf(receipt, deps);
  if (typeof terms === 'string') return claimable(`draw ${draw}: ${terms}`);
  const { beta, pi } = await prover.prove(receiptAlpha(receipt, [c.seed]));
  let settlement: CourtSettlement;
  try {
    settlement = courtSettlement(receipt, beta, terms);
  } catch (e) {
    // The mapping refuses the receipt's action: no retry changes that.
    return claimable(`draw ${draw} has no outcome under its rules: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { kind: 'answer', beta, pi, from: 'proof', payout: settlement.coins, chips: settlementChips(draw, receipt.players[0]!, settlement, voided), receipt };
}

/** The terms of the rules the receipt names (served now, or kept from before), or why there are none. */
async function termsOf(receipt: ReceiptRecord, deps: CaseAnswerDeps): Promise<RulesTerms | string> {
  if (receipt.rulesHash === undefined) return 'its receipt names no rules';
  return (await receiptTerms(receipt, deps.rules, deps.pastRules)) ?? 'its receipt names no rules';
}

/**
 * The chips a draw settled by the court moves, as its outcome record would have: the payout
 * credited, and for a void the refunded stake taken again (a draw never ended still holds its stake).
 * Their refs are the draw's own, so applying them again (a restart before the answer) changes nothing.
 */
function settlementChips(draw: string, player: string, s: CourtSettlement, voided: boolean): ChipEntry[] {
  const chips: ChipEntry[] = [];
  if (s.payoutUnits > 0) chips.push({ ref: `${draw}/court-payout`, address: player, delta: s.payoutUnits, reason: 'payout' });
  if (voided && s.stakeUnits > 0) chips.push({ ref: `${draw}/court-stake`, address: player, delta: -s.stakeUnits, reason: 'stake' });
  return chips;
}
