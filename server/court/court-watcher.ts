/**
 * The court watcher: follows the reveal court's `Revealed` events and answers every case still
 * open on chain with the draw's outcome (FAIRNESS.md section 10), so that an honest server never
 * pays a claim, even for a draw revealed while it was down.
 *
 * It reads the court's logs in bounded block ranges from its cursor (in the database, so a
 * restart goes on where the last run stopped and no reveal is skipped), at most `pollMs` apart.
 * A case still open (`cases(id).status == 1`) is answered through the fairness sender (with
 * `answerProven`, which the court verifies, where the court requires it: proven-answer.ts), whose
 * journal sends each answer exactly once (its id is the case id) and resends it after a crash.
 * A range whose handling fails is read again on the next poll; the cursor passes a case only
 * once it is closed on chain, or known not to be this server's to answer.
 *
 * An answer that settles a draw (a void, or a draw its room never ended) moves chips too
 * (case-answer.ts): they are committed before the answer is submitted, so a crash between the two
 * redoes both on the next run, the chips' refs keeping them from counting twice.
 * @module
 */
import { startPollLoop, type PollLoop } from '../chain/poll-loop.ts';
import { Contract, type Provider } from 'ethers';
import type { Logger } from 'pino';
import type { ChipLedger } from '../chips/chip-ledger.ts';
import type { Database } from '../db/database.ts';
import type { Prover } from '../fairness/prover.ts';
import type { RulesArchive } from '../fairness/rules-archive.ts';
import type { RoomRecords } from '../fairness/room-records.ts';
import { answerCase, type ServedRules } from './case-answer.ts';
import { ANSWER_FINAL_REFUSALS, ANSWERED_TOPIC, answerCalldata, CaseStatus, courtInterface, parseRevealed, REVEALED_TOPIC, type RevealedCase } from './court-contract.ts';
import { SqlCourtCursor, type CourtCursor } from './court-cursor.ts';
import { NoProvenAnswer, provenAnswers } from './proven-answer.ts';

/** What the watcher needs of the fairness sender (`FairnessTransactions`, server/fairness-chain/). */
export interface AnswerTransactions {
  /** `finalRefusals`: the court's refusals after which the answer is dropped, not retried (FairnessTx). */
  submit(call: { id: string; to: string; data: string; confirmingTopic: string; finalRefusals: Readonly<Record<string, string>> }): Promise<void>;
  /** Stops trying an answer submitted earlier: its case was claimed. */
  drop?(id: string, reason: string): Promise<unknown>;
}


export interface CourtWatcherOptions {
  /** The RevealCourt contract's address. */
  readonly court: string;
  readonly provider: Provider;
  readonly transactions: AnswerTransactions;
  readonly rooms: Pick<RoomRecords, 'records'>;
  readonly prover: Pick<Prover, 'prove'>;
  /** The key id of the prover's VRF key (16 hex digits). */
  readonly keyId: string;
  /** Provers of VRF keys the server drew with under another suite, by key id (case-answer.ts). */
  readonly retiredProvers?: ReadonlyMap<string, Pick<Prover, 'prove'>>;
  /** The rules served (`FairnessContext.rules`): a draw settled by an answer is settled under them. */
  readonly rules: ServedRules;
  /** Every rules document served before, by hash (fairness/rules-archive.ts): a receipt under earlier rules is settled under them. */
  readonly pastRules?: Pick<RulesArchive, 'find'>;
  /** Where the chips of a draw settled by an answer go. */
  readonly chips: Pick<ChipLedger, 'apply'>;
  /** Where the cursor is kept (`court_cursors`); or a cursor of its own. */
  readonly database?: Database;
  readonly cursor?: CourtCursor;
  readonly log: Logger;
  /** The test switch FAIRPLAY_TEST_WITHHOLD=void-revealed (not void-revealed-answered): every case is logged and left unanswered. */
  readonly withhold?: boolean;
  /** Longest time between two polls. Default 1000 ms. */
  readonly pollMs?: number;
  /** Most blocks one `eth_getLogs` asks about (public RPC endpoints cap it). Default 2000. */
  readonly blockRange?: number;
  /** Blocks a Revealed event waits under the head before it is read (1: the head itself). Default 1. */
  readonly confirmations?: number;
  /**
   * The first block to read when there is no cursor yet: the court's deployment block if known.
   * Default 0: the first start reads the whole chain once, `blockRange` blocks a call (bisecting
   * eth_getCode would be quicker, but a pruned or non-archive node answers old state wrongly or not at all).
   */
  readonly fromBlock?: number;
  /** How long a draw its room has not ended yet is left to the room before it is answered (case-answer.ts). Default PENDING_HOLD_MS. */
  readonly pendingHoldMs?: number;
  /** In a cluster: whether this process watches now (the fairness sender's lease holder). Default always. */
  readonly mayRun?: () => boolean;
}

export interface CourtWatcher {
  /** Reads and answers what is new now (the poll loop calls it; tests may too). */
  poll(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the watcher's poll loop; `stop()` waits for the poll under way. */
export function startCourtWatcher(opts: CourtWatcherOptions): CourtWatcher {
  const log = opts.log.child({ component: 'court' });
  const cursor = opts.cursor ?? new SqlCourtCursor(requireDatabase(opts.database), opts.court);
  const court = new Contract(opts.court, courtInterface, opts.provider);
  const proven = provenAnswers(opts.court, opts.provider);
  const pollMs = opts.pollMs ?? 1000;
  const range = opts.blockRange ?? 2000;
  const confirmations = opts.confirmations ?? 1;
  // Assigned before its first poll runs (polls start in a later turn).
  let watching: PollLoop | undefined;

  /** Cases submitted by this process and not yet seen closed: not proven and queued again on every poll. */
  const submitted = new Set<string>();
  /** Cases already logged as left unanswered (withheld, or not this server's). */
  const noted = new Set<string>();
  const note = (c: RevealedCase, fields: Record<string, unknown>, message: string, level: 'warn' | 'error' = 'warn'): void => {
    if (noted.has(c.caseId)) return;
    noted.add(c.caseId);
    log[level]({ caseId: c.caseId, roomId: c.roomId, drawSeq: c.drawSeq, player: c.player, answerBy: c.answerBy, ...fields }, message);
  };

  /**
   * A case this process submitted an answer for is closed on chain. Claimed: the answer came too
   * late (the bond paid the receipt's maximum payout), and the sender stops trying it. Answered:
   * the sender settles it itself (our answer confirms at depth, or it finds another key's
   * Answered event, or meets the court's NotOpen); it keeps an answer of ours not yet deep
   * enough, to send again should the chain lose it.
   */
  const closedAfterSubmit = async (c: RevealedCase, status: number): Promise<void> => {
    if (status !== CaseStatus.Claimed) return;
    log.error({ caseId: c.caseId, roomId: c.roomId, drawSeq: c.drawSeq, player: c.player, answerBy: c.answerBy }, 'court case claimed before our answer landed: the bond paid its maximum payout');
    await opts.transactions.drop?.(c.caseId, 'its court case was claimed');
  };

  /** Handles one case; true while its answer is submitted and the case still open on chain. */
  const handle = async (c: RevealedCase): Promise<boolean> => {
    const status = Number(((await court.getFunction('cases')('0x' + c.caseId)) as { status: bigint }).status);
    if (status !== CaseStatus.Revealed) {
      if (submitted.delete(c.caseId)) await closedAfterSubmit(c, status);
      return false;
    }
    if (opts.withhold) return (note(c, {}, 'court case left unanswered: FAIRPLAY_TEST_WITHHOLD is set'), false);
    if (submitted.has(c.caseId)) return true;
    const answer = await answerCase(c, { rooms: opts.rooms, prover: opts.prover, keyId: opts.keyId, ...(opts.retiredProvers ? { retiredProvers: opts.retiredProvers } : {}), rules: opts.rules, ...(opts.pastRules ? { pastRules: opts.pastRules } : {}), pendingHoldMs: opts.pendingHoldMs });
    // Still the room's to settle or void: the case holds the cursor and is asked about again next poll.
    if (answer.kind === 'pending') {
      if (answer.late) note(c, { reason: answer.late, until: answer.until }, 'court case of this server cannot be answered before its answerBy: it may be claimed', 'error');
      return true;
    }
    if (answer.kind === 'unknown')
      return answer.claimable
        ? (note(c, { reason: answer.reason }, 'court case of this server cannot be answered: it will be claimed', 'error'), false)
        : (note(c, { reason: answer.reason }, 'court case not answered: not a draw of this server'), false);
    // A case the court verifies itself takes the receipt, the seed and pi's witnesses too (proven-answer.ts).
    let data: string;
    try {
      data = (await proven.required(c.caseId))
        ? await proven.calldata(answer.receipt, c.seed, answer.beta, answer.pi, answer.payout)
        : answerCalldata(c.caseId, answer.beta, answer.pi, answer.payout);
    } catch (e) {
      if (e instanceof NoProvenAnswer) return (note(c, { reason: e.message }, 'court case of this server cannot be answered: it will be claimed', 'error'), false);
      throw e;
    }
    // Committed first: a crash before the answer is sent applies them again, by the same refs.
    if (answer.chips.length > 0) await opts.chips.apply(answer.chips);
    await opts.transactions.submit({ id: c.caseId, to: opts.court, data, confirmingTopic: ANSWERED_TOPIC, finalRefusals: ANSWER_FINAL_REFUSALS });
    submitted.add(c.caseId);
    const chips = Object.fromEntries(answer.chips.map((e) => [e.reason, e.delta]));
    log.info({ caseId: c.caseId, roomId: c.roomId, drawSeq: c.drawSeq, answerBy: c.answerBy, from: answer.from, payout: answer.payout, chips }, 'court case answered');
    return true;
  };

  /**
   * Reads the court's events from the cursor to the head. The cursor passes a case only once it
   * is closed on chain (or will never be answered here): a case answered but not yet confirmed
   * holds it, so an answer the sender lost (a crash before its journal) is made again.
   */
  const poll = async (): Promise<void> => {
    if (opts.mayRun && !opts.mayRun()) return;
    const safeHead = (await opts.provider.getBlockNumber()) - (confirmations - 1);
    let from = (await cursor.next()) ?? opts.fromBlock ?? 0;
    let hold: number | undefined;
    while (!watching?.stopped && from <= safeHead) {
      const to = Math.min(safeHead, from + range - 1);
      const logs = await opts.provider.getLogs({ address: opts.court, topics: [REVEALED_TOPIC], fromBlock: from, toBlock: to });
      for (const l of logs) {
        let c: RevealedCase;
        try {
          c = parseRevealed(l);
        } catch (err) {
          log.error({ err, tx: l.transactionHash }, 'unreadable Revealed event skipped');
          continue;
        }
        if (await handle(c)) hold ??= c.blockNumber;
      }
      await cursor.advance(hold ?? to + 1);
      from = to + 1;
    }
  };

  watching = startPollLoop('court watcher', poll, pollMs, log);
  return { poll: () => watching.poll(), stop: () => watching.stop() };
}

function requireDatabase(database: Database | undefined): Database {
  if (!database) throw new Error('the court watcher needs a database or a cursor');
  return database;
}
