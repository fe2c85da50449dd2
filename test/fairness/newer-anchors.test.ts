/**
 * Newer anchors (FAIRNESS.md section 7a): the root rebuilt from an anchor's leaves is the one
 * @openzeppelin/merkle-tree builds; a transcript cut back to an earlier anchored head and served
 * with that earlier anchor is refused by a newer anchor holding the room further on (or at the
 * same seq with another hash); an honest transcript passes; an anchor the server does not serve,
 * or serves leaves for that do not rebuild the root on chain, is reported unchecked, not passed;
 * and the scan stops at its limit with a "not checked beyond" note.
 */
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { describe, expect, it } from 'vitest';
import type { AnchorLeaf, ChainAnchor } from '../../vrf/protocol/anchor-proof.ts';
import { scanNewerAnchors, type AnchorSources } from '../../vrf/protocol/newer-anchors-scan.ts';
import { checkNewerAnchor, newerAnchorsProblems, newerAnchorsSummary, newerAnchorsWarnings, standardTreeRoot, transcriptHeads } from '../../vrf/protocol/newer-anchors.ts';
import { seededRandom, type SeededRandom } from '../helpers/seed.ts';
import { diceDraw, openRoom } from './room-fixture.ts';

const ENCODING = ['string', 'uint64', 'bytes32'];

function randomLeaf(random: SeededRandom, i: number): AnchorLeaf {
  const hex = Array.from({ length: 64 }, () => '0123456789abcdef'[random.int(0, 15)]).join('');
  return { roomId: `other-${i}-${'y'.repeat(random.int(0, 40))}`, lastSeq: random.int(0, 10_000), headHash: hex };
}

/** An anchor over `leaves` as the chain holds it and as the server serves it. */
function anchorOf(index: number, leaves: AnchorLeaf[], timestamp = 1_795_353_600 + index * 60): { chain: ChainAnchor; served: unknown } {
  const root = StandardMerkleTree.of(leaves.map((l) => [l.roomId, l.lastSeq, '0x' + l.headHash]), ENCODING).root;
  return { chain: { index, root, timestamp, blockNumber: 100 + index, leafCount: leaves.length }, served: { index, root, leafCount: leaves.length, leaves, status: 'confirmed' } };
}

/**
 * A registry and server holding `anchors` in order, the server answering at most `page` anchors a
 * request and leaving out those in `unserved`; `reads` lists the anchors it served.
 */
function sourcesOf(anchors: { chain: ChainAnchor; served: unknown }[], unserved: number[] = [], page = 2): AnchorSources & { reads: number[]; requests: number } {
  const reads: number[] = [];
  const sources = {
    reads,
    requests: 0,
    anchorCount: async () => anchors.length,
    anchorAt: async (i: number) => anchors[i]!.chain,
    served: async (from: number, to: number) => {
      sources.requests++;
      const out = new Map<number, unknown>();
      for (let i = from; i < Math.min(to, from + page, anchors.length); i++) if (!unserved.includes(i)) out.set(i, anchors[i]!.served);
      reads.push(...out.keys());
      return out;
    },
  };
  return sources;
}

describe('rebuilding an anchor root from its leaves', () => {
  it('gives the @openzeppelin/merkle-tree root for random trees of 1 to 300 leaves', () => {
    const random = seededRandom('newer anchor roots');
    for (const size of [1, 2, 3, 4, 5, 7, 8, 9, 31, 33, 100, 255, 256, 257, 300, random.int(1, 300)]) {
      const leaves = Array.from({ length: size }, (_, i) => randomLeaf(random, i));
      expect(standardTreeRoot(leaves)).toBe(anchorOf(0, leaves).chain.root);
    }
    expect(standardTreeRoot([])).toBeUndefined();
  });
});

describe('a transcript against the anchors newer than its own', () => {
  /** A room of 4 dice draws, anchored at record 3 (anchor 1) and at record 7 (anchor 3) among other rooms' heads. */
  async function twiceAnchored() {
    const { room } = await openRoom('cut-back');
    for (let i = 0; i < 4; i++) await diceDraw(room);
    const t = await room.transcript();
    const random = seededRandom('twice anchored');
    const others = (n: number) => Array.from({ length: n }, (_, i) => randomLeaf(random, i));
    const head = (seq: number): AnchorLeaf => ({ roomId: t.roomId, lastSeq: seq, headHash: t.records[seq]!.hash });
    // Anchor 0 was posted a day before the room's first record; the rest after it, a minute apart.
    const start = Math.floor((t.records[0] as { issuedAt: number }).issuedAt / 1000);
    const at = (index: number, leaves: AnchorLeaf[]) => anchorOf(index, leaves, start + index * 60);
    const anchors = [anchorOf(0, others(5), start - 86_400), at(1, [...others(6), head(3)]), at(2, others(3)), at(3, [...others(9), head(7)]), at(4, others(1))];
    return { t, anchors };
  }

  it('refuses a transcript cut back to an earlier head and served with the earlier anchor', async () => {
    const { t, anchors } = await twiceAnchored();
    const cut = t.records.slice(0, 4);
    const report = await scanNewerAnchors(t.roomId, cut, 1, sourcesOf(anchors));
    expect(report).toMatchObject({ from: 2, to: 5, anchorCount: 5, unchecked: [] });
    expect(newerAnchorsProblems(report)).toEqual(['superseded: anchor 3 commits this room at record 7, and the transcript ends at record 3']);
    expect(newerAnchorsSummary(report)).toBe('superseded by anchor 3 (record 7)');
    // The same length, another history: a head the newer anchor holds at a seq the transcript has, with another hash.
    const other = [...t.records.slice(0, 7), { ...t.records[7]!, result: { roll: 1 } }];
    expect(newerAnchorsProblems(await scanNewerAnchors(t.roomId, other, 1, sourcesOf(anchors)))).toEqual([
      "superseded: anchor 3 commits this room at record 7 with another hash than the transcript's record 7",
    ]);
    // Served with no anchor at all, cut before any: every anchor from its first record's time on is newer.
    const sources = sourcesOf(anchors);
    const none = await scanNewerAnchors(t.roomId, t.records.slice(0, 2), undefined, sources);
    expect(none).toMatchObject({ from: 1, to: 5 }); // anchor 0 came before the room
    expect(sources.reads.sort()).toEqual([1, 2, 3, 4]);
    expect(newerAnchorsProblems(none)).toEqual([
      'superseded: anchor 1 commits this room at record 3, and the transcript ends at record 1',
      'superseded: anchor 3 commits this room at record 7, and the transcript ends at record 1',
    ]);
  });

  it('passes the honest transcript, whichever of its anchors it is served with', async () => {
    const { t, anchors } = await twiceAnchored();
    for (const served of [3, 1]) {
      const report = await scanNewerAnchors(t.roomId, t.records, served, sourcesOf(anchors));
      expect(newerAnchorsProblems(report)).toEqual([]);
      expect(newerAnchorsWarnings(report)).toEqual([]);
    }
    const latest = await scanNewerAnchors(t.roomId, t.records, 3, sourcesOf(anchors));
    expect(newerAnchorsSummary(latest)).toBe('newer anchor 4 checked: none holds a later head of this room');
    expect(newerAnchorsSummary(await scanNewerAnchors(t.roomId, t.records, 4, sourcesOf(anchors)))).toBe('no newer anchor on chain (5 anchors)');
  });

  it('reports an anchor the server does not serve, or serves other leaves for, as unchecked', async () => {
    const { t, anchors } = await twiceAnchored();
    const cut = t.records.slice(0, 4);
    // The one anchor that would refuse the cut is not served: not a pass, a warning.
    const unserved = await scanNewerAnchors(t.roomId, cut, 1, sourcesOf(anchors, [3]));
    expect(newerAnchorsProblems(unserved)).toEqual([]);
    expect(newerAnchorsWarnings(unserved)).toEqual(['anchor 3 unchecked: the server does not serve anchor 3']);
    // Nothing served past it: the rest is unchecked, and the scan ends.
    const tail = await scanNewerAnchors(t.roomId, cut, 1, sourcesOf(anchors, [3, 4]));
    expect(newerAnchorsWarnings(tail)).toEqual(['anchor 3 unchecked: the server does not serve anchor 3', 'anchor 4 unchecked: the server does not serve anchor 3']);
    const refused = await scanNewerAnchors(t.roomId, cut, 1, { ...sourcesOf(anchors), served: async () => '/anchors?from=2 answered HTTP 429' });
    expect(refused.unchecked.map((u) => u.index)).toEqual([2, 3, 4]);
    expect(newerAnchorsSummary(refused)).toBe('newer anchors 2 to 4: none could be checked');
    expect(newerAnchorsSummary(unserved)).toBe('newer anchors 2 to 4 checked: none holds a later head of this room, 1 unchecked');
    // Served without the room's leaf: the rest no longer rebuilds the root on chain.
    const { leaves } = anchors[3]!.served as { leaves: AnchorLeaf[] };
    const withoutRoom = anchors.map((a, i) => (i === 3 ? { ...a, served: { ...(a.served as object), leaves: leaves.slice(0, -1) } } : a));
    expect(newerAnchorsWarnings(await scanNewerAnchors(t.roomId, cut, 1, sourcesOf(withoutRoom)))).toEqual(['anchor 3 unchecked: the server serves 9 leaves for anchor 3, the chain counts 10']);
    // The room's leaf swapped for the transcript's own head: the count holds, the root does not.
    const swapped = anchors.map((a, i) => (i === 3 ? { ...a, served: { ...(a.served as object), leaves: [...leaves.slice(0, -1), { roomId: t.roomId, lastSeq: 3, headHash: t.records[3]!.hash }] } } : a));
    expect(newerAnchorsWarnings(await scanNewerAnchors(t.roomId, cut, 1, sourcesOf(swapped)))).toEqual(['anchor 3 unchecked: the leaves the server serves for anchor 3 do not rebuild its root on chain']);
    // Malformed.
    const heads = transcriptHeads(cut);
    expect(checkNewerAnchor(t.roomId, heads, anchors[3]!.chain, { index: 3, leaves: 'all' })).toMatchObject({ kind: 'unchecked', reason: expect.stringMatching(/^the server's anchor 3 is malformed: leaves: /) });
    expect(checkNewerAnchor(t.roomId, heads, anchors[3]!.chain, anchors[2]!.served)).toEqual({ kind: 'unchecked', index: 3, reason: 'the server answered anchor 2 for anchor 3' });
  });

  it('reads at most its limit of newer anchors and says where it stopped; a registry that cannot be read is said so', async () => {
    const { t, anchors } = await twiceAnchored();
    const sources = sourcesOf(anchors);
    const report = await scanNewerAnchors(t.roomId, t.records.slice(0, 4), 0, sources, { limit: 2 });
    expect(sources.reads.sort()).toEqual([1, 2]);
    // Read a range at a time: here two anchors a request.
    const all = sourcesOf(anchors);
    await scanNewerAnchors(t.roomId, t.records, 0, all);
    expect(all).toMatchObject({ reads: [1, 2, 3, 4], requests: 2 });
    expect(report).toMatchObject({ from: 1, to: 3, notCheckedFrom: 3 });
    expect(newerAnchorsProblems(report)).toEqual([]);
    expect(newerAnchorsWarnings(report)).toEqual(['not checked beyond anchor 2: anchors 3 to 4 are past the limit of 2 newer anchors per check']);
    const broken = { ...sources, anchorCount: async () => Promise.reject(new Error('RPC down')) };
    const notRead = await scanNewerAnchors(t.roomId, t.records, 0, broken);
    expect(newerAnchorsWarnings(notRead)).toEqual(['newer anchors not checked: the registry could not be read: RPC down']);
  });
});
