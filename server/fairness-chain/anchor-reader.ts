/**
 * What anyone may read of the anchors, in any process of a cluster: an anchor with its leaves and
 * its status on chain (`GET /anchors/:index`), and for a room's transcript the proof of its latest
 * head whose anchor the chain confirmed, with when the newest confirmed anchor was built. The
 * status comes from the fairness key's log (`fairness-sender.ts`), shared through the database.
 * @module
 */
import type { MintLog } from '../awards/mint-log.ts';
import { anchorId, type AnchorStore } from './anchor-store.ts';
import type { RoomHead } from './anchor-tree.ts';

export interface AnchorView {
  readonly index: number;
  readonly root: string;
  readonly leafCount: number;
  readonly leaves: readonly RoomHead[];
  readonly status: 'pending' | 'confirmed';
  readonly blockNumber?: number;
  readonly txHash?: string;
}

/** A room's latest confirmed anchor, as `GET /rooms/:id/transcript` serves it. */
export interface TranscriptAnchor {
  readonly index: number;
  readonly root: string;
  readonly leaf: RoomHead;
  readonly proof: readonly string[];
  readonly blockNumber: number;
  readonly txHash: string;
}

/** Anchors looked at per query when looking for the newest confirmed one. */
const PAGE = 20;

export class AnchorReader {
  constructor(
    private readonly store: AnchorStore,
    private readonly log: MintLog,
  ) {}

  async anchor(index: number): Promise<AnchorView | undefined> {
    const head = await this.anchorHead(index);
    return head && { ...head, leaves: await this.leaves(index) };
  }

  /** An anchor without its leaves (which never change once built): what its ETag is made of. */
  async anchorHead(index: number): Promise<Omit<AnchorView, 'leaves'> | undefined> {
    const a = await this.store.anchor(index);
    if (!a) return undefined;
    const mint = await this.log.mintOf(anchorId(index));
    const base = { index, root: a.root, leafCount: a.leafCount };
    return mint ? { ...base, status: 'confirmed', blockNumber: mint.blockNumber, txHash: mint.hash } : { ...base, status: 'pending' };
  }

  /** The anchor's leaves, by room id (at most ANCHOR_MAX_LEAVES, 10,000). */
  leaves(index: number): Promise<RoomHead[]> {
    return this.store.leaves(index);
  }

  /**
   * The anchors from `from` on, at most `maxAnchors` of them and, past the first, no more than
   * `maxLeaves` leaves in all (an anchor has at most ANCHOR_MAX_LEAVES): without their leaves,
   * which `leavesOf` reads once the caller knows it needs them.
   */
  async headsFrom(from: number, maxAnchors: number, maxLeaves: number): Promise<Omit<AnchorView, 'leaves'>[]> {
    const stored = await this.store.anchorsFrom(from, maxAnchors);
    const taken: typeof stored = [];
    let leaves = 0;
    for (const a of stored) {
      if (a.index !== from + taken.length) break; // indexes are dense; a gap would be a lost anchor: stop before it
      if (taken.length > 0 && leaves + a.leafCount > maxLeaves) break;
      taken.push(a);
      leaves += a.leafCount;
    }
    const mints = await this.log.mintsOf(taken.map((a) => anchorId(a.index)));
    return taken.map((a) => {
      const mint = mints.get(anchorId(a.index));
      const base = { index: a.index, root: a.root, leafCount: a.leafCount };
      return mint ? { ...base, status: 'confirmed' as const, blockNumber: mint.blockNumber, txHash: mint.hash } : { ...base, status: 'pending' as const };
    });
  }

  /** `heads` (consecutive, from `headsFrom`) with their leaves, read in one query. */
  async leavesOf(heads: readonly Omit<AnchorView, 'leaves'>[]): Promise<AnchorView[]> {
    if (heads.length === 0) return [];
    const leaves = await this.store.leavesBetween(heads[0]!.index, heads.at(-1)!.index + 1);
    return heads.map((h) => ({ ...h, leaves: leaves.get(h.index) ?? [] }));
  }

  /** The room's newest leaf whose anchor is confirmed, or null. */
  async ofRoom(roomId: string): Promise<TranscriptAnchor | null> {
    let below: number | undefined;
    for (;;) {
      const leaves = await this.store.leavesOfRoom(roomId, PAGE, below);
      const mints = await this.log.mintsOf(leaves.map((l) => anchorId(l.index)));
      for (const l of leaves) {
        const mint = mints.get(anchorId(l.index));
        if (mint)
          return { index: l.index, root: l.root, leaf: { roomId, lastSeq: l.lastSeq, headHash: l.headHash }, proof: l.proof, blockNumber: mint.blockNumber, txHash: mint.hash };
      }
      if (leaves.length < PAGE) return null;
      below = leaves.at(-1)!.index;
    }
  }

  /** When the newest confirmed anchor was built (ms since 1970), or null if none is. */
  async lastAnchorAt(): Promise<number | null> {
    let below: number | undefined;
    for (;;) {
      const anchors = await this.store.newestAnchors(PAGE, below);
      const mints = await this.log.mintsOf(anchors.map((a) => anchorId(a.index)));
      const confirmed = anchors.find((a) => mints.has(anchorId(a.index)));
      if (confirmed) return confirmed.createdAt;
      if (anchors.length < PAGE) return null;
      below = anchors.at(-1)!.index;
    }
  }

  /** The transcript's anchor fields, as JSON text to splice into its body, and what its ETag must name. */
  async transcriptFields(roomId: string, finishedRecords?: number): Promise<{ json: string; anchor: TranscriptAnchor | null }> {
    const [anchor, lastAnchorAt] = await Promise.all([this.ofRoom(roomId), this.lastAnchorAt()]);
    // A finished room whose close is anchored is final, body and all: the time of the newest
    // anchor (which moves every period) is what a room not yet anchored is shown, so it is left out.
    const final = finishedRecords !== undefined && anchor?.leaf.lastSeq === finishedRecords - 1;
    return { json: `"anchor":${JSON.stringify(anchor)},"lastAnchorAt":${final ? 'null' : JSON.stringify(lastAnchorAt)}`, anchor };
  }
}
