/**
 * The RevealCourt contract as the server sees it (FAIRNESS.md section 10): the events it follows,
 * the views it reads and the one call it makes, `answer`. Written as a human-readable ABI of the
 * few members used, so the watcher does not depend on the whole compiled artifact.
 * @module
 */
import { Interface, type Log } from 'ethers';

export const courtInterface = new Interface([
  'event Revealed(bytes32 indexed caseId, address indexed player, string roomId, uint64 drawSeq, bytes32 seed, uint64 answerBy)',
  'event Answered(bytes32 indexed caseId, bytes beta, bytes pi, uint64 payout)',
  'event Claimed(bytes32 indexed caseId, address indexed player, uint64 amount)',
  'function cases(bytes32 caseId) view returns (address player, uint64 maxPayout, uint64 revealedAt, uint64 answerBy, uint8 status)',
  'function answer(bytes32 caseId, bytes beta, bytes pi, uint64 payout)',
  'function answerWindow() view returns (uint64)',
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
