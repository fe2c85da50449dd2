/**
 * The RevealCourt contract as the server sees it (FAIRNESS.md section 10): the events it follows,
 * the views it reads and the calls it makes: `answer`, and `answerProven` for a draw of the suite
 * the court verifies on chain (ECVRF-SECP256K1-SHA256-TAI). Written as a human-readable ABI of the
 * few members used, so the watcher does not depend on the whole compiled artifact.
 * @module
 */
import { Interface, type Log } from 'ethers';
import { DRAW_RECEIPT_COURT, receiptMessage, type UnsignedReceipt } from '../../vrf/protocol/receipt.ts';
import type { Secp256k1Witnesses } from '../../vrf/secp256k1-witnesses.ts';

/** The suite whose answers the court verifies itself (RevealCourt.answerProven). */
export const PROVEN_SUITE = 'ECVRF-SECP256K1-SHA256-TAI';

/** RevealCourt.Receipt, field for field (the court's EIP-712 `DrawReceipt` with court terms). */
const RECEIPT_TUPLE =
  'tuple(string roomId, uint64 drawSeq, uint64 recordSeq, bytes32 prevHash, string game, string kind, string action, address[] players, bytes32[] commitments, string suite, string keyId, uint64 issuedAt, bytes32 rulesHash, uint64 revealDeadline, uint64 maxPayout)';
/** RevealCourt.ProvenAnswer; its witnesses are VrfSecp256k1.Witnesses. */
const PROVEN_ANSWER_TUPLE =
  'tuple(bytes32 seed, bytes beta, bytes pi, tuple(uint256 ctr, uint256[4] nonResidueRoots, uint256[2] u, uint256[2] sH, uint256[2] cGamma, uint256[2] v) witnesses, uint64 payout)';

export const courtInterface = new Interface([
  'event Revealed(bytes32 indexed caseId, address indexed player, string roomId, uint64 drawSeq, bytes32 seed, uint64 answerBy)',
  'event Answered(bytes32 indexed caseId, bytes beta, bytes pi, uint64 payout)',
  'event Claimed(bytes32 indexed caseId, address indexed player, uint64 amount)',
  'function cases(bytes32 caseId) view returns (address player, uint64 maxPayout, uint64 revealedAt, uint64 answerBy, uint8 status)',
  'function answer(bytes32 caseId, bytes beta, bytes pi, uint64 payout)',
  `function answerProven(${RECEIPT_TUPLE} r, ${PROVEN_ANSWER_TUPLE} a)`,
  'function provenAnswer(bytes32 caseId) view returns (bool)',
  'function answerWindow() view returns (uint64)',
  'function registry() view returns (address)',
  'event PaymentHeld(address indexed player, uint256 amount)',
  'error NotOpen(bytes32 caseId)',
]);

/** Topic 0 of `Revealed`: what the watcher asks the chain's logs for. */
export const REVEALED_TOPIC = courtInterface.getEvent('Revealed')!.topicHash;
/** Topic 0 of `Answered`: the event that confirms an answer (its topic 1 is the case id). */
export const ANSWERED_TOPIC = courtInterface.getEvent('Answered')!.topicHash;

/** The court's refusals of an answer that mean it can never land (the case is claimed, or answered already): the sender drops it. */
export const ANSWER_FINAL_REFUSALS: Readonly<Record<string, string>> = { [courtInterface.getError('NotOpen')!.selector]: 'NotOpen' };

/** `cases(id).status`: no case, revealed (open), answered, claimed. */
export const CaseStatus = { None: 0, Revealed: 1, Answered: 2, Claimed: 3 } as const;

/** A player's reveal to the court, as its `Revealed` event tells it. */
export interface RevealedCase {
  /** The receipt's EIP-712 digest: 64 lowercase hex digits, no 0x. */
  readonly caseId: string;
  readonly player: string;
  readonly roomId: string;
  readonly drawSeq: number;
  /** The seed the player revealed: 64 lowercase hex digits. */
  readonly seed: string;
  /** Seconds since 1970: after it anyone may claim the case unanswered. */
  readonly answerBy: number;
  readonly blockNumber: number;
}

const strip0x = (h: string): string => h.slice(2).toLowerCase();

/** Reads a `Revealed` log; throws on any other. */
export function parseRevealed(log: Log): RevealedCase {
  const parsed = courtInterface.parseLog({ topics: [...log.topics], data: log.data });
  if (!parsed || parsed.name !== 'Revealed') throw new Error(`log ${log.transactionHash}/${log.index} is not a Revealed event`);
  const drawSeq = parsed.args.getValue('drawSeq') as bigint;
  return {
    caseId: strip0x(parsed.args.getValue('caseId') as string),
    player: parsed.args.getValue('player') as string,
    roomId: parsed.args.getValue('roomId') as string,
    // A uint64 beyond 2^53 names no draw this server wrote: left as NaN, it matches none.
    drawSeq: drawSeq <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(drawSeq) : Number.NaN,
    seed: strip0x(parsed.args.getValue('seed') as string),
    answerBy: Number(parsed.args.getValue('answerBy') as bigint),
    blockNumber: log.blockNumber,
  };
}

/**
 * The calldata of `answer(caseId, beta, pi, payout)`: `payout` is the coins the court pays the
 * player from its bond (a whole number, at most the case's maxPayout, or the court refuses it).
 */
export function answerCalldata(caseId: string, beta: Uint8Array, pi: Uint8Array, payout: number): string {
  if (!Number.isSafeInteger(payout) || payout < 0) throw new RangeError(`a court answer pays a whole number of coins, not ${payout}`);
  return courtInterface.encodeFunctionData('answer', ['0x' + caseId, beta, pi, payout]);
}

/**
 * The calldata of `answerProven(receipt, {seed, beta, pi, witnesses, payout})`: the answer the
 * court checks itself. `receipt` is the draw's receipt with its court terms (the court hashes it
 * to the case id), `seed` the one the player revealed (64 hex), `witnesses` those
 * `fastVerifyWitnesses` gives for pi under the registered key and the draw's alpha.
 */
export function provenAnswerCalldata(receipt: UnsignedReceipt, seed: string, beta: Uint8Array, pi: Uint8Array, witnesses: Secp256k1Witnesses, payout: number): string {
  if (!Number.isSafeInteger(payout) || payout < 0) throw new RangeError(`a court answer pays a whole number of coins, not ${payout}`);
  if (receipt.revealDeadline === undefined || receipt.maxPayout === undefined || receipt.rulesHash === undefined) throw new Error('only a receipt with court terms can be answered in the court');
  const r = DRAW_RECEIPT_COURT.message(receiptMessage(receipt));
  const w = [BigInt(witnesses.ctr), [...witnesses.nonResidueRoots], [...witnesses.u], [...witnesses.sH], [...witnesses.cGamma], [...witnesses.v]];
  return courtInterface.encodeFunctionData('answerProven', [r, ['0x' + seed, beta, pi, w, payout]]);
}
