/**
 * Verifies a room transcript or a single outcome (FAIRNESS.md section 7): the hash chain, the
 * receipt signatures, each proof against the pinned key, alpha rebuilt from the records, the
 * seeds against their commitments, and each result recomputed from beta. Input is untrusted:
 * every problem is reported, nothing throws.
 * @module
 */
import { z } from 'zod';
import { getSuite } from '../index.ts';
import { receiptAlpha } from './alpha.ts';
import { seedCommitment, vrfKeyId } from './commitment.ts';
import { bytesToHex, canonicalJson, hexToBytes, type JsonValue } from './encoding.ts';
import { outcomeMappings } from '../../games/registry.ts';
import { closeSigner, receiptSigner } from './receipt.ts';
import {
  DrawRecordSchema,
  GENESIS_HASH,
  recordHash,
  type DrawRecord,
  type OutcomeRecord,
  type ReceiptRecord,
} from './records.ts';

export const TRANSCRIPT_FORMAT = 'fairplay-transcript-v1';

export const TranscriptSchema = z.object({
  format: z.literal(TRANSCRIPT_FORMAT),
  roomId: z.string(),
  suite: z.string(),
  keyId: z.string(),
  publicKey: z.string().regex(/^[0-9a-f]+$/),
  receiptSigner: z.string(),
  records: z.array(z.unknown()).max(1_000_000),
});
export type Transcript = Omit<z.infer<typeof TranscriptSchema>, 'records'> & { records: (DrawRecord & { hash: string })[] };

/** The key material a verifier trusts: pinned from /fairness, never taken from the transcript. */
export interface TrustedKeys {
  readonly suite: string;
  readonly publicKey: string;
  readonly receiptSigner: string;
}

/** What the player asked for: checked against the receipt before the seed is revealed. */
export interface IntendedDraw {
  readonly roomId: string;
  readonly game: string;
  readonly kind: string;
  readonly action: Record<string, JsonValue>;
  readonly address: string;
  readonly commitment: string;
}

/**
 * What is wrong with a receipt, seen by the player who asked for it, or []: it must be signed by
 * the pinned signer for the pinned key and carry exactly the player's bet (the server adds only
 * the published terms, such as `edgeBps`, which `published` pins) and commitment. A player
 * reveals only to a receipt that passes. Never throws.
 */
export function receiptProblems(
  receipt: ReceiptRecord,
  intended: IntendedDraw,
  keys: TrustedKeys,
  published: Record<string, JsonValue> = {},
): string[] {
  try {
    const problems: string[] = [];
    if (receiptSigner(receipt).toLowerCase() !== keys.receiptSigner.toLowerCase()) problems.push('receipt not signed by the pinned signer');
    if (receipt.suite !== keys.suite || receipt.keyId !== vrfKeyId(keys.suite, hexToBytes(keys.publicKey)))
      problems.push('receipt names another VRF key');
    if (receipt.roomId !== intended.roomId || receipt.game !== intended.game || receipt.kind !== intended.kind)
      problems.push('receipt is for another room or game');
    const index = receipt.players.findIndex((p) => p.toLowerCase() === intended.address.toLowerCase());
    if (index < 0 || receipt.commitments[index] !== intended.commitment) problems.push('receipt does not hold my commitment');
    if (canonicalJson(receipt.action) !== canonicalJson({ ...intended.action, ...published }))
      problems.push('receipt action differs from my bet and the published terms');
    return problems;
  } catch (e) {
    return [`receipt cannot be checked: ${(e as Error).message}`];
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
    const expected = mapping.result(verified.beta, receipt.action, moves);
    if (canonicalJson(expected) !== canonicalJson(outcome.result)) problems.push('result differs from the one computed from beta');
  } catch (e) {
    problems.push(`result cannot be recomputed: ${(e as Error).message}`);
  }
  return problems;
}

export interface RecordReport {
  readonly seq: number;
  readonly type: string;
  readonly drawSeq?: number;
  readonly problems: string[];
}

export interface TranscriptReport {
  readonly ok: boolean;
  readonly problems: string[];
  readonly records: RecordReport[];
  /** Draws receipted with neither outcome nor void yet: fine in a live room, misconduct in a closed one. */
  readonly pendingDraws: number[];
  /** The transcript ends with a valid close record: the room is finished and nothing is missing. */
  readonly closed: boolean;
}

export function verifyTranscript(input: unknown, keys: TrustedKeys): TranscriptReport {
  const parsed = TranscriptSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, problems: [`not a transcript: ${parsed.error.issues[0]?.message}`], records: [], pendingDraws: [], closed: false };
  const t = parsed.data;
  const problems: string[] = [];
  if (t.publicKey !== keys.publicKey) problems.push('transcript public key differs from the pinned key');
  if (t.receiptSigner.toLowerCase() !== keys.receiptSigner.toLowerCase()) problems.push('transcript receipt signer differs from the pinned signer');
  let pinnedKeyId = '';
  try {
    pinnedKeyId = vrfKeyId(keys.suite, hexToBytes(keys.publicKey));
  } catch {
    problems.push('the pinned public key is not hex');
  }
  const receipts = new Map<number, ReceiptRecord>(); // by drawSeq
  const settled = new Set<number>();
  /** Moves recorded on each pending draw, in order. */
  const movesOf = new Map<number, string[]>();
  /** Commitment -> the receipt that first carried it. */
  const commitmentsSeen = new Map<string, number>();
  const reports: RecordReport[] = [];
  let prev = GENESIS_HASH;
  let nextDraw = 0;
  let closedAt: number | undefined;
  t.records.forEach((raw, index) => {
    const { hash: claimed, ...bare } = (typeof raw === 'object' && raw !== null ? raw : { raw }) as { hash?: unknown };
    const r = DrawRecordSchema.safeParse(bare);
    if (!r.success) {
      reports.push({ seq: index, type: 'malformed', problems: [r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')] });
      prev = '';
      return;
    }
    const rec = r.data;
    const p: string[] = [];
    try {
      checkRecord(rec, index, claimed, p);
    } catch (e) {
      p.push(`cannot be checked: ${(e as Error).message}`);
    }
    reports.push({ seq: rec.seq, type: rec.type, drawSeq: rec.drawSeq, problems: p });
  });

  function checkRecord(rec: DrawRecord, index: number, claimed: unknown, p: string[]): void {
    if (closedAt !== undefined) p.push(`record after the room's close record ${closedAt}`);
    if (rec.seq !== index) p.push(`seq ${rec.seq} where ${index} was expected`);
    if (rec.roomId !== t.roomId) p.push('record belongs to another room');
    if (rec.prev !== prev) p.push('prev is not the hash of the previous record');
    const hash = recordHash(rec);
    if (claimed !== hash) p.push(claimed === undefined ? 'record has no hash field' : 'hash field differs from the record hash');
    prev = hash;
    if (rec.type === 'receipt') {
      if (rec.drawSeq !== nextDraw) p.push(`drawSeq ${rec.drawSeq} where ${nextDraw} was expected`);
      nextDraw = rec.drawSeq + 1;
      if (rec.suite !== keys.suite) p.push(`receipt names suite ${rec.suite}, pinned ${keys.suite}`);
      if (rec.keyId !== pinnedKeyId) p.push('receipt keyId is not the pinned key');
      try {
        if (receiptSigner(rec).toLowerCase() !== keys.receiptSigner.toLowerCase()) p.push('receipt not signed by the pinned signer');
      } catch (e) {
        p.push(`receipt signature: ${(e as Error).message}`);
      }
      // A seed is revealed once: a second draw on the same commitment would let the server,
      // who knows the seed by then, pick among re-rolls (after voiding the first draw, say).
      for (const c of rec.commitments) {
        const first = commitmentsSeen.get(c);
        if (first !== undefined) p.push(`commitment ${c.slice(0, 16)}… was already used in receipt ${first}: a revealed seed reused`);
        else commitmentsSeen.set(c, rec.seq);
      }
      receipts.set(rec.drawSeq, rec);
      return;
    }
    if (rec.type === 'close') {
      closedAt = rec.seq;
      if (rec.drawSeq !== nextDraw) p.push(`close counts ${rec.drawSeq} draws where there were ${nextDraw}`);
      const open = [...receipts.keys()].filter((d) => !settled.has(d));
      if (open.length) p.push(`room closed with draws ${open.join(', ')} neither settled nor voided`);
      try {
        if (closeSigner(rec).toLowerCase() !== keys.receiptSigner.toLowerCase()) p.push('close not signed by the pinned signer');
      } catch (e) {
        p.push(`close signature: ${(e as Error).message}`);
      }
      return;
    }
    const receipt = receipts.get(rec.drawSeq);
    if (rec.type === 'move') {
      if (!receipt) return void p.push('move on a draw with no earlier receipt');
      if (settled.has(rec.drawSeq)) return void p.push('move on a draw already settled or voided');
      if (rec.receiptSeq !== receipt.seq) p.push('move does not name its receipt');
      if (!receipt.players.some((a) => a.toLowerCase() === rec.player.toLowerCase())) p.push('move by someone who is not a player of the draw');
      if (!outcomeMappings[`${receipt.game}/${receipt.kind}`]?.takesMoves) p.push(`${receipt.game}/${receipt.kind} draws take no moves`);
      movesOf.set(rec.drawSeq, [...(movesOf.get(rec.drawSeq) ?? []), rec.move]);
      return;
    }
    if (!receipt) p.push('no earlier receipt for this draw');
    else if (settled.has(rec.drawSeq)) p.push('second outcome or void for one draw');
    else if (rec.type === 'outcome') p.push(...outcomeProblems(receipt, rec, keys, movesOf.get(rec.drawSeq) ?? []));
    else if (rec.receiptSeq !== receipt.seq) p.push('void does not name its receipt');
    settled.add(rec.drawSeq);
  }
  const pendingDraws = [...receipts.keys()].filter((d) => !settled.has(d));
  const ok = problems.length === 0 && reports.every((r) => r.problems.length === 0);
  return { ok, problems, records: reports, pendingDraws, closed: ok && closedAt !== undefined };
}
