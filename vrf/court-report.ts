/**
 * The CLI's look at the reveal court (`verify-transcript ... --rpc URL --court ADDRESS`): for each
 * one-player receipt of a transcript that carries court terms, the court case of its EIP-712
 * digest, if any, and what is wrong with it. An answer is checked by `courtAnswerProblems` (the
 * proof over the revealed seed, beta, and the coins paid: 0, as wins are settled in chips); a case claimed, or unanswered past its answer window, is the server
 * failing to answer and counts as a problem too. One line per case; none for receipts never taken there.
 * @module
 */
import type { ChainCourt, ChainCourtCase } from './protocol/chain-court.ts';
import { courtAnswerProblems } from './protocol/court-answer.ts';
import { bytesToHex } from './protocol/encoding.ts';
import { receiptDigest } from './protocol/receipt.ts';
import { receiptTerms } from './protocol/record-checks.ts';
import { DrawRecordSchema, type DrawRecord, type ReceiptRecord } from './protocol/records.ts';
import type { TrustedKeys } from './protocol/verifier.ts';

/** What is wrong with the case of `receipt` as the court holds it, and a line saying what it is. */
export function courtCaseReport(receipt: ReceiptRecord, state: ChainCourtCase, records: readonly DrawRecord[], keys: TrustedKeys): { line: string; problems: string[] } {
  const at = `court case of draw ${receipt.drawSeq} (0x${bytesToHex(receiptDigest(receipt)).slice(0, 16)}…)`;
  switch (state.status) {
    case 'none':
      return { line: '', problems: [] };
    case 'revealed':
      if (state.chainNow > state.answerBy) return { line: at, problems: [`revealed and still unanswered past its answer window (${new Date(state.answerBy * 1000).toISOString()}): claimable for ${state.maxPayout} coins`] };
      return { line: `${at}: revealed, the answer is due by ${new Date(state.answerBy * 1000).toISOString()}`, problems: [] };
    case 'claimed':
      return { line: at, problems: [`claimed for ${state.amount} coins: the server never answered`] };
    case 'answered': {
      const { terms, problem } = receiptTerms(receipt, keys);
      const problems = problem ? [problem] : courtAnswerProblems(receipt, state.seed, state.answer, records, keys.publicKey, terms);
      return { line: `${at}: answered, paid ${state.answer.payout} coins`, problems };
    }
  }
}

/** Checks the court cases of a transcript's receipts, printing one line per case; resolves true when none has a problem. */
export async function checkCourtCases(rawRecords: readonly unknown[], keys: TrustedKeys, court: ChainCourt, out: (line: string) => void): Promise<boolean> {
  const records = rawRecords.flatMap((raw) => {
    const { hash: _h, ...bare } = (typeof raw === 'object' && raw !== null ? raw : {}) as { hash?: unknown };
    const parsed = DrawRecordSchema.safeParse(bare);
    return parsed.success ? [parsed.data] : []; // a malformed record is the verifier's to report
  });
  const receipts = records.filter((r): r is ReceiptRecord => r.type === 'receipt' && r.players.length === 1 && r.maxPayout !== undefined);
  let ok = true;
  let cases = 0;
  for (const receipt of receipts) {
    let state: ChainCourtCase;
    try {
      state = await court.caseOf(bytesToHex(receiptDigest(receipt)));
    } catch (e) {
      out(`court: ${(e as Error).message}`);
      ok = false;
      continue;
    }
    if (state.status === 'none') continue;
    cases++;
    const { line, problems } = courtCaseReport(receipt, state, records, keys);
    out(problems.length ? `${line}: ${problems.join('; ')}` : `${line}: ok`);
    if (problems.length) ok = false;
  }
  out(`court ${court.address}: ${receipts.length} receipts it could take, ${cases} taken there${ok ? '' : ': FAILED'}`);
  return ok;
}
