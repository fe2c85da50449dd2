/**
 * Checks proofs off the main thread, so verification never stalls the game: each request is a
 * receipt (before the seed is revealed) or an outcome, with the keys the page pinned; the answer
 * lists what failed, empty when all holds. The same vrf/ code as the server runs here.
 * @module
 */
import { recordHash, type OutcomeRecord, type ReceiptRecord } from '../../vrf/protocol/records.ts';
import { receiptSigner } from '../../vrf/protocol/receipt.ts';
import { outcomeProblems, receiptProblems, type IntendedDraw, type TrustedKeys } from '../../vrf/protocol/transcript.ts';
import type { JsonValue } from '../../vrf/protocol/encoding.ts';

export type VerifyRequest =
  | { id: number; kind: 'receipt'; keys: TrustedKeys; receipt: ReceiptRecord & { hash: string }; intended: IntendedDraw; published: Record<string, JsonValue> }
  | { id: number; kind: 'outcome'; keys: TrustedKeys; receipt: ReceiptRecord & { hash: string }; outcome: OutcomeRecord; hash: string };

export interface VerifyAnswer {
  id: number;
  problems: string[];
}

function hashProblems(record: ReceiptRecord | OutcomeRecord, claimed: string): string[] {
  try {
    return recordHash(record) === claimed ? [] : ['record hash differs from the record'];
  } catch (e) {
    return [`record cannot be hashed: ${(e as Error).message}`];
  }
}

function check(req: VerifyRequest): string[] {
  if (req.kind === 'receipt') {
    const { hash, ...receipt } = req.receipt;
    return [...receiptProblems(receipt, req.intended, req.keys, req.published), ...hashProblems(receipt, hash)];
  }
  // The receipt may be another player's, never checked on this page before: its signature and hash too.
  const { hash: receiptHash, ...receipt } = req.receipt;
  const signer = (() => {
    try {
      return receiptSigner(receipt).toLowerCase() === req.keys.receiptSigner.toLowerCase() ? [] : ['receipt not signed by the pinned signer'];
    } catch (e) {
      return [`receipt signature: ${(e as Error).message}`];
    }
  })();
  return [...signer, ...hashProblems(receipt, receiptHash), ...outcomeProblems(receipt, req.outcome, req.keys), ...hashProblems(req.outcome, req.hash)];
}

self.onmessage = (event: MessageEvent<VerifyRequest>) => {
  const answer: VerifyAnswer = { id: event.data.id, problems: check(event.data) };
  self.postMessage(answer);
};
