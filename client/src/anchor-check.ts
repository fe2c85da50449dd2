/**
 * A transcript's anchor status against the chain (FAIRNESS.md, Anchored transcripts): whether the
 * room head the transcript's `anchor` names is in the Merkle root the FairnessRegistry holds at
 * that anchor's index, and whether the transcript still holds that head. After an anchor,
 * truncating the transcript, rewriting a record at or before the head, dropping an anchored close
 * or forking the history each fail here.
 *
 * The leaf is OpenZeppelin's StandardMerkleTree leaf of `(string roomId, uint64 lastSeq,
 * bytes32 headHash)`, pairs hashed sorted; the proof is folded by hand, so this needs keccak and
 * `fetch` only (it runs in /verify's worker). The registry is read with one `eth_call` of
 * `anchorAt(uint64)` through the JSON-RPC URL given (the server's `/chain`, or any node).
 * @module
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '../../vrf/protocol/encoding.ts';
import { recordHash, type DrawRecord } from '../../vrf/protocol/records.ts';

export interface TranscriptAnchor {
  readonly index: number;
  /** 0x and 64 hex. */
  readonly root: string;
  readonly leaf: { readonly roomId: string; readonly lastSeq: number; readonly headHash: string };
  /** Sibling hashes, leaf to root, 0x and 64 hex each. */
  readonly proof: readonly string[];
  readonly blockNumber: number;
  readonly txHash: string;
}

export interface RegistryAt {
  readonly rpcUrl: string;
  /** The FairnessRegistry's address. */
  readonly registry: string;
}

export type AnchorStatus =
  | { readonly kind: 'anchored'; readonly index: number; readonly blockNumber: number; readonly lastSeq: number; /** ms since 1970 */ readonly anchoredAt: number }
  | { readonly kind: 'not-anchored'; /** ms since 1970, or null when the server has no confirmed anchor at all. */ readonly lastAnchorAt: number | null }
  | { readonly kind: 'failed'; readonly problems: string[] }
  /** The anchor holds off chain (proof, head), but no chain was given to read the root from. */
  | { readonly kind: 'unchecked'; readonly index: number }
  /** The transcript carries no anchor fields (an older server, or a file saved before anchors). */
  | { readonly kind: 'absent' };

const word = (n: bigint) => n.toString(16).padStart(64, '0');
const strip = (hex: string) => hex.replace(/^0x/, '').toLowerCase();
const HEX32 = /^(0x)?[0-9a-fA-F]{64}$/;

/** The StandardMerkleTree leaf: keccak256(keccak256(abi.encode(roomId, lastSeq, headHash))). */
export function anchorLeaf(leaf: TranscriptAnchor['leaf']): Uint8Array {
  const text = utf8ToBytes(leaf.roomId);
  const padded = new Uint8Array(Math.ceil(text.length / 32) * 32);
  padded.set(text);
  // Head: the string's offset (3 words), lastSeq, headHash; tail: the string's length and bytes.
  const encoded = concatBytes(hexToBytes(word(96n) + word(BigInt(leaf.lastSeq)) + strip(leaf.headHash) + word(BigInt(text.length))), padded);
  return keccak_256(keccak_256(encoded));
}

/** Folds `proof` from `leaf` up: each step hashes the pair in ascending byte order. */
export function foldProof(leaf: Uint8Array, proof: readonly string[]): string {
  let node = leaf;
  for (const sibling of proof) {
    const other = hexToBytes(strip(sibling));
    node = keccak_256(compareBytes(node, other) <= 0 ? concatBytes(node, other) : concatBytes(other, node));
  }
  return `0x${bytesToHex(node)}`;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** `anchorAt(uint64)`'s selector. */
const ANCHOR_AT = bytesToHex(keccak_256(utf8ToBytes('anchorAt(uint64)')).subarray(0, 4));

/** The registry's anchor `index`: its root, when it was posted (seconds) and in which block. */
export async function readAnchor(at: RegistryAt, index: number): Promise<{ root: string; timestamp: number; blockNumber: number; leafCount: number }> {
  const res = await fetch(at.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_call', params: [{ to: at.registry, data: `0x${ANCHOR_AT}${word(BigInt(index))}` }, 'latest'] }),
  });
  if (!res.ok) throw new Error(`the chain's JSON-RPC answered HTTP ${res.status}`);
  const body = (await res.json()) as { result?: string; error?: { message?: string } };
  if (body.error || typeof body.result !== 'string') throw new Error(`anchorAt(${index}) failed: ${body.error?.message ?? 'no result'}`);
  const out = strip(body.result);
  if (out.length < 256) throw new Error(`anchorAt(${index}) answered ${out.length / 2} bytes, not 128: is ${at.registry} the FairnessRegistry?`);
  const w = (i: number) => out.slice(i * 64, (i + 1) * 64);
  return { root: `0x${w(0)}`, timestamp: Number(BigInt(`0x${w(1)}`)), blockNumber: Number(BigInt(`0x${w(2)}`)), leafCount: Number(BigInt(`0x${w(3)}`)) };
}

type Loose = { roomId?: unknown; records?: unknown; anchor?: unknown; lastAnchorAt?: unknown };

/** The transcript's anchor checked against the registry (the records' own chain is the transcript verifier's). */
export async function anchorStatus(transcript: unknown, at: RegistryAt | undefined): Promise<AnchorStatus> {
  const t = (typeof transcript === 'object' && transcript !== null ? transcript : {}) as Loose;
  if (!('anchor' in t)) return { kind: 'absent' };
  const lastAnchorAt = typeof t.lastAnchorAt === 'number' ? t.lastAnchorAt : null;
  if (t.anchor === null) return { kind: 'not-anchored', lastAnchorAt };
  const a = t.anchor as Partial<TranscriptAnchor>;
  const leaf = a.leaf as Partial<TranscriptAnchor['leaf']> | undefined;
  if (!Number.isSafeInteger(a.index) || typeof a.root !== 'string' || !HEX32.test(a.root) || !Array.isArray(a.proof) || !a.proof.every((p) => typeof p === 'string' && HEX32.test(p))
    || !leaf || typeof leaf.roomId !== 'string' || !Number.isSafeInteger(leaf.lastSeq) || typeof leaf.headHash !== 'string' || !HEX32.test(leaf.headHash))
    return { kind: 'failed', problems: ['the anchor field is malformed: {index, root, leaf: {roomId, lastSeq, headHash}, proof, blockNumber} expected'] };
  const anchor = a as TranscriptAnchor;
  const problems: string[] = [];
  if (leaf.roomId !== t.roomId) problems.push(`the anchored head is of room ${leaf.roomId}, not of this transcript's room ${String(t.roomId)}`);
  const records = Array.isArray(t.records) ? (t.records as DrawRecord[]) : [];
  const head = records[anchor.leaf.lastSeq];
  if (!head) problems.push(`record ${anchor.leaf.lastSeq} was anchored, and the transcript ends at record ${records.length - 1}: it was cut short after its anchor`);
  else if (safeHash(head) !== strip(anchor.leaf.headHash)) problems.push(`record ${anchor.leaf.lastSeq} differs from the one anchored (hash ${strip(anchor.leaf.headHash).slice(0, 16)}…): the history was rewritten or forked after its anchor`);
  const folded = foldProof(anchorLeaf(anchor.leaf), anchor.proof);
  if (folded !== `0x${strip(anchor.root)}`) problems.push(`the inclusion proof folds to ${folded.slice(0, 18)}…, not to the anchor's root ${anchor.root.slice(0, 18)}…`);
  if (!at) return problems.length ? { kind: 'failed', problems } : { kind: 'unchecked', index: anchor.index };
  let onChain: Awaited<ReturnType<typeof readAnchor>>;
  try {
    onChain = await readAnchor(at, anchor.index);
  } catch (e) {
    return { kind: 'failed', problems: [...problems, `the registry could not be read: ${(e as Error).message}`] };
  }
  if (onChain.root === `0x${'0'.repeat(64)}`) problems.push(`the registry holds no anchor ${anchor.index}`);
  else if (onChain.root !== `0x${strip(anchor.root)}`) problems.push(`the registry's anchor ${anchor.index} has root ${onChain.root.slice(0, 18)}…, not the transcript's ${anchor.root.slice(0, 18)}…`);
  if (problems.length) return { kind: 'failed', problems };
  return { kind: 'anchored', index: anchor.index, blockNumber: onChain.blockNumber, lastSeq: anchor.leaf.lastSeq, anchoredAt: onChain.timestamp * 1000 };
}

function safeHash(record: DrawRecord): string | undefined {
  try {
    return recordHash(record);
  } catch {
    return undefined;
  }
}
