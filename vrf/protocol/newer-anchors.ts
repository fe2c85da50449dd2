/**
 * Whether a newer anchor supersedes a transcript (FAIRNESS.md section 7a, newer anchors). A
 * transcript's anchor proves its records up to the anchored head, but not that this head is the
 * room's latest: an operator could cut a transcript back to an earlier head and serve the earlier
 * anchor that committed it. So every anchor after the one served (at most a published number of
 * them) is read whole, its leaves from the server (`GET /anchors/:index`) rebuilt into the root the
 * registry holds, and the room's leaf in it, if any, must agree with the transcript: a head beyond
 * the transcript's last record, or a different hash at a record the transcript has, means the
 * transcript is not the room's history. An anchor whose leaves are not served, or do not rebuild
 * the root on chain, cannot be checked: reported, never passed silently.
 *
 * Pure: the chain's anchor and the server's answer come from the caller (`newer-anchors-scan.ts`).
 * The root is rebuilt exactly as OpenZeppelin's StandardMerkleTree builds it (leaves sorted by
 * hash, the tree laid out as a heap), with keccak only, so the page needs no Merkle library.
 * @module
 */
import { z } from 'zod';
import { anchorLeafHash, AnchorLeafSchema, hashPair, type AnchorLeaf, type ChainAnchor } from './anchor-proof.ts';
import { bytesToHex } from './encoding.ts';
import { recordHash, type DrawRecord } from './records.ts';

/** Newer anchors scanned at most per transcript: one day of anchors at the default period of one minute. */
export const NEWER_ANCHORS_LIMIT = 1440;
/** Leaves an anchor may have (the server builds at most 10,000 per period); an answer with more is not read. */
export const ANCHOR_LEAVES_LIMIT = 10_000;

/** What `GET /anchors/:index` serves that this check reads (its status fields are ignored: the chain's anchor is what counts). */
export const ServedAnchorSchema = z.object({
  index: z.number().int().min(0),
  leaves: z.array(AnchorLeafSchema).max(ANCHOR_LEAVES_LIMIT),
});

/** The root OpenZeppelin's StandardMerkleTree has over `leaves`, as 0x hex; undefined for no leaves. */
export function standardTreeRoot(leaves: readonly AnchorLeaf[]): string | undefined {
  if (leaves.length === 0) return undefined;
  const hashes = leaves.map(anchorLeafHash).sort(compareBytes);
  const tree: Uint8Array[] = new Array<Uint8Array>(2 * hashes.length - 1);
  hashes.forEach((h, i) => (tree[tree.length - 1 - i] = h));
  for (let i = tree.length - 1 - hashes.length; i >= 0; i--) tree[i] = hashPair(tree[2 * i + 1]!, tree[2 * i + 2]!);
  return '0x' + bytesToHex(tree[0]!);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** What one newer anchor says of the room. */
export type NewerAnchorFinding =
  /** The anchor was read whole: it does not hold the room, or holds a head the transcript has. */
  | { readonly kind: 'clear'; readonly index: number }
  /** The anchor holds the room at a head the transcript does not have: the transcript is not the room's history. */
  | { readonly kind: 'superseded'; readonly index: number; readonly lastSeq: number; readonly problem: string }
  /** The anchor could not be read whole: whether it holds the room is unknown. */
  | { readonly kind: 'unchecked'; readonly index: number; readonly reason: string };

/** The recomputed hash of every record of a transcript ('' for one that cannot be hashed), to hold heads against. */
export function transcriptHeads(records: readonly unknown[]): string[] {
  return records.map((r) => {
    try {
      return recordHash(r as DrawRecord);
    } catch {
      return '';
    }
  });
}

/**
 * Holds the anchor the registry keeps at `chain.index` against a transcript of `roomId` whose
 * records hash to `heads`. `served` is the server's answer to `GET /anchors/:index` (its JSON
 * body), or why there is none.
 */
export function checkNewerAnchor(roomId: string, heads: readonly string[], chain: ChainAnchor, served: unknown): NewerAnchorFinding {
  const index = chain.index;
  if (typeof served === 'string') return { kind: 'unchecked', index, reason: served };
  const parsed = ServedAnchorSchema.safeParse(served);
  if (!parsed.success) return { kind: 'unchecked', index, reason: `the server's anchor ${index} is malformed: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}` };
  const { leaves } = parsed.data;
  if (parsed.data.index !== index) return { kind: 'unchecked', index, reason: `the server answered anchor ${parsed.data.index} for anchor ${index}` };
  if (leaves.length !== chain.leafCount) return { kind: 'unchecked', index, reason: `the server serves ${leaves.length} leaves for anchor ${index}, the chain counts ${chain.leafCount}` };
  if (standardTreeRoot(leaves) !== chain.root.toLowerCase()) return { kind: 'unchecked', index, reason: `the leaves the server serves for anchor ${index} do not rebuild its root on chain` };
  for (const leaf of leaves) {
    if (leaf.roomId !== roomId) continue;
    if (leaf.lastSeq >= heads.length)
      return { kind: 'superseded', index, lastSeq: leaf.lastSeq, problem: `superseded: anchor ${index} commits this room at record ${leaf.lastSeq}, and the transcript ends at record ${heads.length - 1}` };
    if (heads[leaf.lastSeq] !== leaf.headHash)
      return { kind: 'superseded', index, lastSeq: leaf.lastSeq, problem: `superseded: anchor ${index} commits this room at record ${leaf.lastSeq} with another hash than the transcript's record ${leaf.lastSeq}` };
  }
  return { kind: 'clear', index };
}

/** The anchors a transcript is held against: from `from` up to (not including) `to`. */
export interface NewerAnchorsWindow {
  readonly from: number;
  readonly to: number;
  /** How many anchors the registry holds. */
  readonly anchorCount: number;
  /** Set when the limit stopped the scan: anchors from this index on were not checked. */
  readonly notCheckedFrom?: number;
}

/** The anchors newer than `servedIndex` (or from `startAt` when the transcript names none), at most `limit`. */
export function newerAnchorsWindow(servedIndex: number | undefined, anchorCount: number, startAt = 0, limit = NEWER_ANCHORS_LIMIT): NewerAnchorsWindow {
  const from = Math.min(anchorCount, servedIndex === undefined ? startAt : servedIndex + 1);
  const to = Math.min(anchorCount, from + limit);
  return { from, to, anchorCount, ...(to < anchorCount ? { notCheckedFrom: to } : {}) };
}

/** The newer anchors' findings together: what fails the transcript and what the verifier is warned of. */
export interface NewerAnchorsReport extends NewerAnchorsWindow {
  readonly superseded: readonly Extract<NewerAnchorFinding, { kind: 'superseded' }>[];
  readonly unchecked: readonly Extract<NewerAnchorFinding, { kind: 'unchecked' }>[];
  /** Why no newer anchor could be read at all (the registry could not be read, no server to ask), if so. */
  readonly notRead?: string;
}

export function newerAnchorsReport(window: NewerAnchorsWindow, findings: readonly NewerAnchorFinding[]): NewerAnchorsReport {
  const byIndex = [...findings].sort((a, b) => a.index - b.index);
  return {
    ...window,
    superseded: byIndex.filter((f): f is Extract<NewerAnchorFinding, { kind: 'superseded' }> => f.kind === 'superseded'),
    unchecked: byIndex.filter((f): f is Extract<NewerAnchorFinding, { kind: 'unchecked' }> => f.kind === 'unchecked'),
  };
}

/** The lines that fail the transcript: each newer anchor that supersedes it. */
export function newerAnchorsProblems(report: NewerAnchorsReport): string[] {
  return report.superseded.map((s) => s.problem);
}

/** The lines a verifier is shown as warnings: what could not be checked, and where the scan stopped. */
export function newerAnchorsWarnings(report: NewerAnchorsReport): string[] {
  const out: string[] = [];
  if (report.notRead) out.push(`newer anchors not checked: ${report.notRead}`);
  const shown = report.unchecked.slice(0, 5);
  for (const u of shown) out.push(`anchor ${u.index} unchecked: ${u.reason}`);
  if (report.unchecked.length > shown.length) out.push(`and ${report.unchecked.length - shown.length} more anchors unchecked`);
  if (report.notCheckedFrom !== undefined)
    out.push(`not checked beyond anchor ${report.notCheckedFrom - 1}: anchors ${report.notCheckedFrom} to ${report.anchorCount - 1} are past the limit of ${report.to - report.from} newer anchors per check`);
  return out;
}

/** One line for the verifier: how far the newer anchors were checked and what they said. */
export function newerAnchorsSummary(report: NewerAnchorsReport): string {
  if (report.notRead) return `newer anchors not checked: ${report.notRead}`;
  const scanned = report.to - report.from;
  if (scanned === 0) return `no newer anchor on chain (${report.anchorCount} anchors)`;
  const range = scanned === 1 ? `anchor ${report.from}` : `anchors ${report.from} to ${report.to - 1}`;
  if (report.superseded.length) return `superseded by ${report.superseded.map((s) => `anchor ${s.index} (record ${s.lastSeq})`).join(', ')}`;
  const unchecked = report.unchecked.length ? `, ${report.unchecked.length} unchecked` : '';
  const beyond = report.notCheckedFrom !== undefined ? `; not checked beyond anchor ${report.notCheckedFrom - 1} of ${report.anchorCount}` : '';
  if (report.unchecked.length === scanned) return `newer ${range}: none could be checked${beyond}`;
  return `newer ${range} checked: none holds a later head of this room${unchecked}${beyond}`;
}
