/**
 * A transcript's anchor (FAIRNESS.md section 7a): the server commits every room's head,
 * `(roomId, lastSeq, headHash)`, as a leaf of one OpenZeppelin StandardMerkleTree per anchor
 * period and posts the root to the fairness registry. A transcript carries the inclusion proof of
 * its room's latest anchored head; this rebuilds the leaf and folds the proof by hand, with
 * keccak-256 only (the page needs no Merkle library), and checks the records against the leaf.
 * Once anchored, a truncated transcript, a rewritten record at or before `lastSeq`, a dropped
 * close that was anchored and a forked history each fail. Pure: the root comes from the chain
 * (`chain-registry.ts`), never from the transcript.
 * @module
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { z } from 'zod';
import { bytesToHex, concatBytes, hexBytes, utf8ToBytes } from './encoding.ts';
import { recordHash, type DrawRecord } from './records.ts';

const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, '0x and 32 bytes of hex');

/** The head of a room as anchored: its last record's seq and hash (64 hex digits, as records hold it; an 0x prefix is accepted). */
export const AnchorLeafSchema = z.strictObject({
  roomId: z.string().min(1).max(128),
  lastSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  headHash: z
    .string()
    .regex(/^(0x)?[0-9a-fA-F]{64}$/, '32 bytes of hex')
    .transform((h) => h.replace(/^0x/, '').toLowerCase()),
});
export type AnchorLeaf = z.output<typeof AnchorLeafSchema>;

/** What `GET /rooms/:id/transcript` adds as `anchor`: the room's latest confirmed anchor and the leaf's proof. */
export const TranscriptAnchorSchema = z.object({
  index: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  root: bytes32,
  leaf: AnchorLeafSchema,
  proof: z.array(bytes32).max(64),
  blockNumber: z.number().int().min(0).optional(),
  txHash: z.string().optional(),
});
export type TranscriptAnchor = z.output<typeof TranscriptAnchorSchema>;

/**
 * A transcript's `anchor` field read apart from the transcript, so that a malformed one fails the
 * check against the chain alone, not the whole transcript: none when absent or null.
 */
export function parseTranscriptAnchor(raw: unknown): { anchor?: TranscriptAnchor; problem?: string } {
  if (raw === undefined || raw === null) return {};
  const parsed = TranscriptAnchorSchema.safeParse(raw);
  if (parsed.success) return { anchor: parsed.data };
  return { problem: `the transcript's anchor is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
}

/** An anchor as the registry holds it (`anchorAt(index)`): what the transcript's proof must fold to. */
export interface ChainAnchor {
  readonly index: number;
  /** 0x and 64 hex digits. */
  readonly root: string;
  readonly timestamp: number;
  readonly blockNumber: number;
  readonly leafCount: number;
}

function word(n: number): Uint8Array {
  const out = new Uint8Array(32);
  new DataView(out.buffer).setBigUint64(24, BigInt(n));
  return out;
}

/** abi.encode(string roomId, uint64 lastSeq, bytes32 headHash): three head words, then the string's length and bytes padded to 32. */
function abiEncodeLeaf(leaf: AnchorLeaf): Uint8Array {
  const name = utf8ToBytes(leaf.roomId);
  const padded = new Uint8Array(Math.ceil(name.length / 32) * 32);
  padded.set(name);
  return concatBytes(word(96), word(leaf.lastSeq), hexBytes(leaf.headHash, 32, 'headHash'), word(name.length), padded);
}

/** The StandardMerkleTree leaf of a head: keccak256(keccak256(abi.encode(roomId, lastSeq, headHash))). */
export function anchorLeafHash(leaf: AnchorLeaf): Uint8Array {
  return keccak_256(keccak_256(abiEncodeLeaf(leaf)));
}

/** a < b as big-endian numbers. */
function less(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/** An inner node: keccak256 of the smaller child then the larger (OpenZeppelin's sorted pairs). */
export function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  return keccak_256(less(a, b) ? concatBytes(a, b) : concatBytes(b, a));
}

/** The root a proof (0x hex siblings, leaf side first) folds to from `leaf`, as 0x hex. */
export function foldProof(leaf: Uint8Array, proof: readonly string[]): string {
  let node = leaf;
  for (const sibling of proof) node = hashPair(node, hexBytes(sibling.slice(2).toLowerCase(), 32, 'proof node'));
  return '0x' + bytesToHex(node);
}

/**
 * What is wrong with a transcript against its anchor, or []: the anchor's root is the one the
 * registry holds at its index, the leaf is this room's, its proof folds to that root, and the
 * records from the first to `lastSeq` exist, chain, and end in a record whose hash (recomputed
 * from its content) is `headHash`. Records after `lastSeq` came after the anchor and are not
 * covered by it. Never throws.
 */
export function anchorProblems(roomId: string, records: readonly unknown[], anchor: TranscriptAnchor, chain: ChainAnchor): string[] {
  const problems: string[] = [];
  try {
    const { leaf } = anchor;
    if (chain.index !== anchor.index) problems.push(`the chain's anchor is number ${chain.index}, the transcript names ${anchor.index}`);
    if (chain.root.toLowerCase() !== anchor.root.toLowerCase()) problems.push(`anchor ${anchor.index}: the transcript's root is not the one on chain`);
    if (leaf.roomId !== roomId) problems.push(`the anchored leaf is room ${leaf.roomId}'s, not this room's`);
    if (foldProof(anchorLeafHash(leaf), anchor.proof) !== chain.root.toLowerCase())
      problems.push(`anchor ${anchor.index}: the proof of (${leaf.roomId}, ${leaf.lastSeq}, ${leaf.headHash.slice(0, 8)}…) does not fold to the root on chain`);
    if (records.length <= leaf.lastSeq) {
      problems.push(`truncated: record ${leaf.lastSeq} was anchored (anchor ${anchor.index}) and the transcript has ${records.length} records`);
      return problems;
    }
    let previous = '0'.repeat(64);
    for (let seq = 0; seq <= leaf.lastSeq; seq++) {
      const record = records[seq] as DrawRecord & { hash?: string };
      const hash = recordHash(record);
      if (record.seq !== seq || record.prev !== previous) {
        problems.push(`record ${seq} does not chain onto the records before it: the history anchored in anchor ${anchor.index} was rewritten`);
        return problems;
      }
      previous = hash;
    }
    if (previous !== leaf.headHash)
      problems.push(`record ${leaf.lastSeq} differs from the one anchored in anchor ${anchor.index}: the history before it was rewritten or forked`);
  } catch (e) {
    problems.push(`the anchor cannot be checked: ${(e as Error).message}`);
  }
  return problems;
}
