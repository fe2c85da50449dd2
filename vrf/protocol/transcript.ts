/**
 * A whole room transcript (FAIRNESS.md section 7) and the check a player makes on its own
 * receipt before revealing. The transcript is checked record by record by the one verifier,
 * `TranscriptVerifier` (verifier.ts); this adds the header against the pinned keys and the
 * report. Input is untrusted: every problem is reported, nothing throws.
 * @module
 */
import { z } from 'zod';
import { vrfKeyId } from './commitment.ts';
import { canonicalJson, hexToBytes, type JsonValue } from './encoding.ts';
import { anchorProblems, parseTranscriptAnchor, type ChainAnchor } from './anchor-proof.ts';
import { courtTermsProblems, MIN_REVEAL_WINDOW_MS } from './court-terms.ts';
import type { RegistryEntries } from './registry-check.ts';
import { receiptSigner } from './receipt.ts';
import type { DrawRecord, ReceiptRecord } from './records.ts';
import { receiptTerms, TranscriptVerifier, type RecordReport, type TrustedKeys } from './verifier.ts';

export { outcomeProblems, TranscriptVerifier, type RecordReport, type TrustedKeys } from './verifier.ts';

/** The format the server writes: protocol v2, every receipt authorised by its players. */
export const TRANSCRIPT_FORMAT = 'fairplay-transcript-v2';
/** Transcripts written before draw authorisation: still verified, as v1 (no authorisations). */
export const TRANSCRIPT_FORMAT_V1 = 'fairplay-transcript-v1';

/** The protocol version a transcript format declares. */
export const formatVersion = (format: string): 1 | 2 => (format === TRANSCRIPT_FORMAT_V1 ? 1 : 2);

export const TranscriptSchema = z.object({
  format: z.enum([TRANSCRIPT_FORMAT, TRANSCRIPT_FORMAT_V1]),
  roomId: z.string(),
  suite: z.string(),
  keyId: z.string(),
  publicKey: z.string().regex(/^[0-9a-f]+$/),
  receiptSigner: z.string(),
  records: z.array(z.unknown()).max(1_000_000),
  /** The room's latest confirmed anchor and its proof (section 7a), or null when none is yet; read by `parseTranscriptAnchor`. */
  anchor: z.unknown().optional(),
  /** When the newest confirmed anchor of the server was posted, ms since 1970. */
  lastAnchorAt: z.number().int().min(0).nullable().optional(),
});
export type Transcript = Omit<z.infer<typeof TranscriptSchema>, 'records'> & { records: (DrawRecord & { hash: string })[] };

/** How far a receipt's issuedAt may be from the player's clock: 10 minutes, room for a badly set clock. */
export const RECEIPT_CLOCK_TOLERANCE_MS = 600_000;

/** What the player asked for: checked against the receipt before the seed is revealed. */
export interface IntendedDraw {
  readonly roomId: string;
  readonly game: string;
  readonly kind: string;
  readonly action: Record<string, JsonValue>;
  readonly address: string;
  readonly commitment: string;
  /** The hash of the rules the player signed for: the pinned rules document of the game. */
  readonly rulesHash: string;
}

/**
 * What is wrong with a receipt, seen by the player who asked for it, or []: it must be signed by
 * the pinned signer for the pinned key and carry exactly the player's action, commitment and the
 * rules the player signed for, and court terms the player can take to the reveal court: the
 * mapping's maxPayout and a deadline at least an hour after its issue (FAIRNESS.md section 5c).
 * Its `issuedAt` must be within RECEIPT_CLOCK_TOLERANCE_MS of the player's clock `now`: the court
 * judges a receipt at its issuedAt, so a backdated one could carry a deadline already past, or
 * fall where another signer is in force on chain, and never reach the court.
 * A player reveals only to a receipt that passes. Never throws.
 */
export function receiptProblems(receipt: ReceiptRecord, intended: IntendedDraw, keys: TrustedKeys, now: number = Date.now()): string[] {
  try {
    const problems: string[] = [];
    if (Math.abs(receipt.issuedAt - now) > RECEIPT_CLOCK_TOLERANCE_MS)
      problems.push(`receipt issuedAt ${new Date(receipt.issuedAt).toISOString()} is more than ${RECEIPT_CLOCK_TOLERANCE_MS / 60_000} min from my clock (${new Date(now).toISOString()})`);
    if (receiptSigner(receipt).toLowerCase() !== keys.receiptSigner.toLowerCase()) problems.push('receipt not signed by the pinned signer');
    if (receipt.suite !== keys.suite || receipt.keyId !== vrfKeyId(keys.suite, hexToBytes(keys.publicKey)))
      problems.push('receipt names another VRF key');
    if (receipt.roomId !== intended.roomId || receipt.game !== intended.game || receipt.kind !== intended.kind)
      problems.push('receipt is for another room or game');
    const index = receipt.players.findIndex((p) => p.toLowerCase() === intended.address.toLowerCase());
    if (index < 0 || receipt.commitments[index] !== intended.commitment) problems.push('receipt does not hold my commitment');
    if (canonicalJson(receipt.action) !== canonicalJson(intended.action)) problems.push('receipt action differs from my request');
    if (receipt.rulesHash !== intended.rulesHash) problems.push('receipt names other rules than the ones I signed for');
    if (receipt.revealDeadline === undefined || receipt.maxPayout === undefined)
      problems.push('receipt carries no court terms (revealDeadline, maxPayout): a withheld outcome could not be taken to the reveal court');
    else {
      const { terms, problem } = receiptTerms(receipt, keys);
      problems.push(...(problem ? [problem] : courtTermsProblems(receipt, terms, MIN_REVEAL_WINDOW_MS)));
    }
    return problems;
  } catch (e) {
    return [`receipt cannot be checked: ${(e as Error).message}`];
  }
}

export interface TranscriptReport {
  readonly ok: boolean;
  readonly problems: string[];
  readonly records: RecordReport[];
  /** Draws receipted with neither outcome nor void yet: fine in a live room, misconduct in a closed one. */
  readonly pendingDraws: number[];
  /** The transcript ends with a valid close record: the room is finished and nothing is missing. */
  readonly closed: boolean;
  /** The protocol version it was checked as (its `format`): 1 proves nothing of who asked for each draw. */
  readonly version?: 1 | 2;
  /** Checked against the chain's anchor, when the transcript carries an `anchor` and the chain's was given. */
  readonly anchor?: AnchorStatus;
}

/** A transcript's anchor against the chain (section 7a). */
export interface AnchorStatus {
  /** The proof folds to the root on chain and the records up to the anchored head are the anchored ones. */
  readonly anchored: boolean;
  readonly index: number;
  /** The block the anchor was posted in, as the registry holds it. */
  readonly blockNumber: number;
  /** The last record the anchor covers. */
  readonly lastSeq: number;
  readonly problems: string[];
}

/** What a transcript is checked against on chain: the registry's entries and the anchor at the transcript's anchor index. */
export interface ChainView {
  readonly registry?: RegistryEntries;
  readonly anchor?: ChainAnchor;
}

/** The anchor status of a transcript given the chain's anchor at its index; undefined when either is missing. */
export function anchorStatus(t: Pick<z.infer<typeof TranscriptSchema>, 'roomId' | 'records' | 'anchor'>, chain: ChainAnchor | undefined): AnchorStatus | undefined {
  const { anchor, problem } = parseTranscriptAnchor(t.anchor);
  if (!chain || (!anchor && !problem)) return undefined;
  if (!anchor) return { anchored: false, index: chain.index, blockNumber: chain.blockNumber, lastSeq: -1, problems: [problem!] };
  const problems = anchorProblems(t.roomId, t.records, anchor, chain);
  return { anchored: problems.length === 0, index: anchor.index, blockNumber: chain.blockNumber, lastSeq: anchor.leaf.lastSeq, problems };
}

/** The transcript header's problems against the pinned keys (the records are checked apart). */
export function headerProblems(t: Pick<Transcript, 'suite' | 'keyId' | 'publicKey' | 'receiptSigner'>, keys: TrustedKeys): string[] {
  const problems: string[] = [];
  if (t.suite !== keys.suite) problems.push('transcript suite differs from the pinned suite');
  if (t.publicKey !== keys.publicKey) problems.push('transcript public key differs from the pinned key');
  if (t.receiptSigner.toLowerCase() !== keys.receiptSigner.toLowerCase()) problems.push('transcript receipt signer differs from the pinned signer');
  try {
    if (t.keyId !== vrfKeyId(keys.suite, hexToBytes(keys.publicKey))) problems.push('transcript keyId is not the pinned key\'s id');
  } catch {
    problems.push('the pinned public key is not hex');
  }
  return problems;
}

/**
 * Checks a whole transcript from its first record: the one verifier, fed every record in turn;
 * with `chain`, every receipt against the registry's entries and the transcript's anchor against
 * the chain's.
 */
export function verifyTranscript(input: unknown, keys: TrustedKeys, chain: ChainView = {}): TranscriptReport {
  const parsed = TranscriptSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, problems: [`not a transcript: ${parsed.error.issues[0]?.message}`], records: [], pendingDraws: [], closed: false };
  const t = parsed.data;
  const problems = headerProblems(t, keys);
  const verifier = new TranscriptVerifier(t.roomId, keys, formatVersion(t.format), new Map(), chain.registry);
  const records: RecordReport[] = t.records.map((raw) => {
    const { receipt: _draw, ...report } = verifier.accept(raw);
    return report;
  });
  const anchor = anchorStatus(t, chain.anchor);
  const ok = problems.length === 0 && records.every((r) => r.problems.length === 0) && (anchor?.anchored ?? true);
  return { ok, problems, records, pendingDraws: verifier.pendingDraws(), closed: ok && verifier.closed, version: verifier.version, ...(anchor ? { anchor } : {}) };
}
