/**
 * An anchor's Merkle tree over room heads (FAIRNESS.md, Anchored transcripts): the OpenZeppelin
 * StandardMerkleTree of leaves `(string roomId, uint64 lastSeq, bytes32 headHash)`, each leaf
 * `keccak256(keccak256(abi.encode(roomId, lastSeq, headHash)))`, pairs hashed sorted, so a
 * verifier folds a proof with keccak alone.
 * @module
 */
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';

export const LEAF_ENCODING = ['string', 'uint64', 'bytes32'] as const;

/** A room's head: its record `lastSeq`, whose hash is `headHash` (64 hex, no 0x). */
export interface RoomHead {
  readonly roomId: string;
  readonly lastSeq: number;
  readonly headHash: string;
}

export interface BuiltAnchor {
  /** 0x-prefixed. */
  readonly root: string;
  /** Each head with its proof (0x-prefixed sibling hashes, leaf to root), in the order given. */
  readonly leaves: readonly (RoomHead & { readonly proof: readonly string[] })[];
}

const leafValue = (h: RoomHead): [string, bigint, string] => [h.roomId, BigInt(h.lastSeq), '0x' + h.headHash];

/** The tree over `heads` (at least one; one leaf per room). */
export function buildAnchor(heads: readonly RoomHead[]): BuiltAnchor {
  if (heads.length === 0) throw new Error('an anchor needs at least one room head');
  const tree = StandardMerkleTree.of(heads.map(leafValue), [...LEAF_ENCODING]);
  return { root: tree.root, leaves: heads.map((h, i) => ({ ...h, proof: tree.getProof(i) })) };
}

/** Whether `proof` folds the head's leaf to `root` (the check every verifier makes). */
export function proves(root: string, head: RoomHead, proof: readonly string[]): boolean {
  return StandardMerkleTree.verify(root, [...LEAF_ENCODING], leafValue(head), [...proof]);
}
