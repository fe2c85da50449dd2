/**
 * The checks of one record against its draw's receipt and what the verifier trusts (FAIRNESS.md
 * section 7, steps 2 to 6): a receipt's rules and players' authorisations, a record's seal, a
 * move's authorisation, an outcome's proof, alpha and result, a void's reason and missing
 * players. `TranscriptVerifier` (verifier.ts) applies them in chain order; the player's page
 * calls `outcomeProblems` on an outcome as it arrives. Each returns problems; none throws.
 * @module
 */
import { getSuite } from '../index.ts';
import type { RulesTerms } from '../../games/game-rules.ts';
import { EARLIER_RULES, outcomeMappings, PUBLISHED_RULES, rulesProblem } from '../../games/registry.ts';
import { rulesHash, type RulesDocument } from '../../games/rules-document.ts';
import { receiptAlpha } from './alpha.ts';
import { authorizationProblem, drawMoveDigest, drawRequestDigest } from './authorization.ts';
import { seedCommitment, vrfKeyId } from './commitment.ts';
import { bytesToHex, canonicalJson, hexToBytes } from './encoding.ts';
import { sealSigner } from './receipt.ts';
import { VOID_REASONS, type DrawRecord, type MoveRecord, type OutcomeRecord, type ReceiptRecord, type VoidRecord } from './records.ts';

/** What a verifier trusts: pinned from /fairness (or the chain), never taken from the transcript. */
export interface TrustedKeys {
  readonly suite: string;
  readonly publicKey: string;
  readonly receiptSigner: string;
  /** The rules document of each game, by game id: the published defaults when absent. */
  readonly rules?: Readonly<Record<string, RulesDocument>>;
}

/** Every commitment seen, across all the transcripts checked with one log: commitment -> where it was first used. */
export type CommitmentLog = Map<string, string>;

/**
 * A pinned document's usability and hash, worked out once: every receipt and every outcome asks,
 * and each answer costs the document's canonical JSON (the raid's holds its map) twice or more.
 */
const pinned = new WeakMap<RulesDocument, { readonly unusable: string | undefined; readonly hash: string }>();
function pinnedRules(doc: RulesDocument): { readonly unusable: string | undefined; readonly hash: string } {
  let known = pinned.get(doc);
  if (!known) pinned.set(doc, (known = { unusable: rulesProblem(doc), hash: rulesHash(doc) }));
  return known;
}

/**
 * The terms of the rules a v2 receipt names, or a problem: the receipt's `rulesHash` must be the
 * hash of the pinned rules document of its game, and that document one the mappings can play;
 * or the hash of one of the game's earlier documents with the code's terms (`EARLIER_RULES`: the
 * raid's first loot table), which draws made before the change were played under.
 */
export function receiptTerms(receipt: ReceiptRecord, keys: TrustedKeys): { terms?: RulesTerms; problem?: string } {
  if (receipt.rulesHash === undefined) return {};
  const earlier = EARLIER_RULES[receipt.game]?.[receipt.rulesHash];
  if (earlier) return { terms: earlier.terms };
  const doc = (keys.rules ?? PUBLISHED_RULES)[receipt.game];
  if (!doc) return { problem: `no pinned rules for ${receipt.game}` };
  const { unusable, hash } = pinnedRules(doc);
  if (unusable) return { problem: unusable };
  if (hash !== receipt.rulesHash) return { problem: `rulesHash ${receipt.rulesHash.slice(0, 16)}… is not the hash of the pinned rules of ${receipt.game}` };
  return { terms: doc.terms };
}

/** Why a v2 record is not sealed by the pinned signer, or undefined. */
export function sealProblem(rec: DrawRecord, keys: TrustedKeys): string | undefined {
  try {
    return sealSigner(rec).toLowerCase() === keys.receiptSigner.toLowerCase() ? undefined : `${rec.type} not sealed by the pinned signer`;
  } catch (e) {
    return `${rec.type} seal: ${(e as Error).message}`;
  }
}

/** What is wrong with an outcome given its receipt, or [] when it checks out. Never throws. */
export function outcomeProblems(receipt: ReceiptRecord, outcome: OutcomeRecord, keys: TrustedKeys, moves: readonly string[] = []): string[] {
  try {
    return checkOutcome(receipt, outcome, keys, moves);
  } catch (e) {
    return [`outcome cannot be checked: ${(e as Error).message}`];
  }
}

function checkOutcome(receipt: ReceiptRecord, outcome: OutcomeRecord, keys: TrustedKeys, moves: readonly string[]): string[] {
  const problems: string[] = [];
  const v2 = receipt.rulesHash !== undefined;
  if (v2) {
    const unsealed = sealProblem(outcome, keys);
    if (unsealed) problems.push(unsealed);
  } else if (outcome.signature !== undefined) problems.push('an outcome of a v1 receipt carries a seal');
  const { terms, problem } = receiptTerms(receipt, keys);
  if (problem) return [...problems, problem];
  if (outcome.drawSeq !== receipt.drawSeq || outcome.receiptSeq !== receipt.seq || outcome.roomId !== receipt.roomId)
    problems.push('outcome does not name its receipt (room, drawSeq, receiptSeq)');
  if (receipt.suite !== keys.suite) problems.push(`receipt names suite ${receipt.suite}, pinned ${keys.suite}`);
  if (outcome.seeds.length !== receipt.commitments.length) problems.push('seed count differs from commitments');
  outcome.seeds.forEach((seed, i) => {
    if (seedCommitment(seed) !== receipt.commitments[i]) problems.push(`seed ${i} does not match its commitment`);
  });
  let alpha: string;
  try {
    alpha = bytesToHex(receiptAlpha(receipt, outcome.seeds));
  } catch (e) {
    return [...problems, `alpha cannot be rebuilt: ${(e as Error).message}`];
  }
  if (alpha !== outcome.alpha) problems.push('alpha differs from the one rebuilt from the receipt and seeds');
  let suite;
  try {
    suite = getSuite(keys.suite);
  } catch (e) {
    return [...problems, (e as Error).message];
  }
  if (receipt.keyId !== vrfKeyId(suite.name, hexToBytes(keys.publicKey))) problems.push('receipt keyId is not the pinned key');
  const verified = suite.verify(hexToBytes(keys.publicKey), hexToBytes(alpha), hexToBytes(outcome.pi));
  if (!verified.valid) return [...problems, `proof: ${verified.reason}`];
  if (bytesToHex(verified.beta) !== outcome.beta) problems.push('beta differs from the proof output');
  const mapping = outcomeMappings[`${receipt.game}/${receipt.kind}`];
  if (!mapping) return [...problems, `no published mapping for ${receipt.game}/${receipt.kind}`];
  try {
    const expected = mapping.result(verified.beta, receipt.action, moves, terms);
    if (canonicalJson(expected) !== canonicalJson(outcome.result)) problems.push('result differs from the one computed from beta');
  } catch (e) {
    problems.push(`result cannot be recomputed: ${(e as Error).message}`);
  }
  return problems;
}

/**
 * What is wrong with a v2 receipt's authorisations, or []: each player's must authorise exactly
 * this receipt's room, game, kind, action and that player's commitment. Never throws.
 */
export function receiptAuthorizationProblems(receipt: ReceiptRecord): string[] {
  if (!receipt.authorizations) return ['receipt carries no authorizations: no player asked for this draw'];
  if (receipt.rulesHash === undefined) return ['receipt names no rules (rulesHash): no player agreed to its terms'];
  const { rulesHash } = receipt;
  const problems: string[] = [];
  receipt.players.forEach((player, i) => {
    const request = { roomId: receipt.roomId, game: receipt.game, kind: receipt.kind, action: receipt.action, commitment: receipt.commitments[i]!, rulesHash };
    const problem = authorizationProblem(drawRequestDigest(request), player, receipt.authorizations?.[i], receipt.issuedAt);
    if (problem) problems.push(`player ${i}: ${problem}`);
  });
  return problems;
}

/** A v2 move's problems: the player's signature of it as the draw's `moveIndex`-th move. */
export function moveAuthorizationProblem(rec: MoveRecord, receipt: ReceiptRecord, moveIndex: number): string | undefined {
  const digest = drawMoveDigest({ roomId: rec.roomId, drawSeq: rec.drawSeq, moveIndex, move: rec.move });
  const problem = authorizationProblem(digest, rec.player, rec.authorization, receipt.issuedAt);
  return problem && `move not authorised by its player: ${problem}`;
}

/** A v2 void's problems: a published reason, and the players whose seeds never came. */
export function voidProblems(rec: VoidRecord, receipt: ReceiptRecord): string[] {
  const problems: string[] = [];
  if (!(VOID_REASONS as readonly string[]).includes(rec.reason)) problems.push(`void reason "${rec.reason}" is not one of ${VOID_REASONS.join(', ')}`);
  const missing = rec.missing ?? [];
  if (missing.length === 0) problems.push('void names no player whose seed never came');
  if (missing.some((m, i) => m >= receipt.players.length || (i > 0 && m <= missing[i - 1]!)))
    problems.push('void missing list must be ascending places in the receipt players');
  return problems;
}
