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
 * end it, once `pendingHoldMs` after issue has passed, and always well before `answerBy`.
 * @module
 */
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import { seedCommitment } from '../../vrf/protocol/commitment.ts';
import { bytesToHex, hexToBytes } from '../../vrf/protocol/encoding.ts';
import { receiptDigest } from '../../vrf/protocol/receipt.ts';
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import { DamagedRecord } from '../fairness/damaged-record.ts';
import type { Prover } from '../fairness/prover.ts';
import type { RoomRecords } from '../fairness/room-records.ts';
import { isRoomId } from '../fairness/room-store.ts';
import type { RevealedCase } from './court-contract.ts';

export type CaseAnswer =
  | { readonly kind: 'answer'; readonly beta: Uint8Array; readonly pi: Uint8Array; readonly from: 'outcome' | 'proof' }
  /** The draw is still pending in its room: asked again on a later poll, answered by `until` (ms) at the latest. */
  | { readonly kind: 'pending'; readonly until: number }
  /** Not this server's receipt (another signer, an unknown room or draw), or one it cannot prove: logged, never answered. */
  | { readonly kind: 'unknown'; readonly reason: string };

export interface CaseAnswerDeps {
  readonly rooms: Pick<RoomRecords, 'records'>;
  readonly prover: Pick<Prover, 'prove'>;
  /** The key id of the prover's VRF key: a draw receipted under another key is not proven with this one. */
  readonly keyId: string;
  /** The clock (ms since 1970). Default Date.now. */
  readonly now?: () => number;
  /** How long after its issue a draw the room has not ended is left to the room. Default PENDING_HOLD_MS. */
  readonly pendingHoldMs?: number;
}

/** Five times the longest reveal clock of any game (60 s): a draw still pending after that was left by its room. */
export const PENDING_HOLD_MS = 300_000;
/** The pending hold ends at least this long before `answerBy`, whatever the court's answer window (at least 60 s). */
const ANSWER_MARGIN_MS = 30_000;

const unknown = (reason: string): CaseAnswer => ({ kind: 'unknown', reason });

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
  if (outcome?.type === 'outcome') return { kind: 'answer', beta: hexToBytes(outcome.beta), pi: hexToBytes(outcome.pi), from: 'outcome' };
  if (!records.some((r) => r.type === 'void' && r.drawSeq === c.drawSeq)) {
    const until = Math.min(receipt.issuedAt + (deps.pendingHoldMs ?? PENDING_HOLD_MS), c.answerBy * 1000 - ANSWER_MARGIN_MS);
    if ((deps.now ?? Date.now)() < until) return { kind: 'pending', until };
  }
  // A proof under another key would be a wrong answer: a signed proof of cheating.
  if (receipt.keyId !== deps.keyId) return unknown(`draw ${c.roomId}/${c.drawSeq} was receipted under VRF key ${receipt.keyId}, and the prover holds ${deps.keyId}`);
  const { beta, pi } = await deps.prover.prove(receiptAlpha(receipt, [c.seed]));
  return { kind: 'answer', beta, pi, from: 'proof' };
}
