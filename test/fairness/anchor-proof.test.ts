/**
 * Anchors (FAIRNESS.md section 7a): the leaf and the proof folding written by hand agree with
 * npm `@openzeppelin/merkle-tree` (what the server builds trees with) on random trees of 1 to
 * 300 leaves; and a transcript checked against an anchor fails when truncated, rewritten at or
 * before the anchored head, stripped of an anchored close, or forked.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { describe, expect, it } from 'vitest';
import { RoomTranscript } from '../../server/fairness/room-transcript.ts';
import { anchorLeafHash, anchorProblems, foldProof, type AnchorLeaf, type ChainAnchor, type TranscriptAnchor } from '../../vrf/protocol/anchor-proof.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { recordHash, type DrawRecord, type HashedRecord } from '../../vrf/protocol/records.ts';
import { verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { journalRoomLog } from '../helpers/journal-room-log.ts';
import { seededRandom, type SeededRandom } from '../helpers/seed.ts';
import { diceDraw, openRoom } from './room-fixture.ts';

const ENCODING = ['string', 'uint64', 'bytes32'];
type Value = [string, number, string];
const valueOf = (l: AnchorLeaf): Value => [l.roomId, l.lastSeq, '0x' + l.headHash];

function randomLeaf(random: SeededRandom, i: number): AnchorLeaf {
  const hex = Array.from({ length: 64 }, () => '0123456789abcdef'[random.int(0, 15)]).join('');
  // Room names of every length around the 32-byte padding boundaries, some not ASCII.
  const name = `room-${i}-${'x'.repeat(random.int(0, 70))}${random.int(0, 3) === 0 ? 'é€' : ''}`;
  return { roomId: name, lastSeq: random.int(0, 3) === 0 ? Number.MAX_SAFE_INTEGER - random.int(0, 9) : random.int(0, 100_000), headHash: hex };
}

/** An anchor of `leaves` as the server would publish it, the leaf of `at` with its proof, and the chain's record of it. */
function anchorOf(leaves: AnchorLeaf[], at: number, index = 7): { anchor: TranscriptAnchor; chain: ChainAnchor } {
  const tree = StandardMerkleTree.of(leaves.map(valueOf), ENCODING);
  const anchor = { index, root: tree.root, leaf: leaves[at]!, proof: tree.getProof(valueOf(leaves[at]!)), blockNumber: 42 };
  return { anchor, chain: { index, root: tree.root, timestamp: 1_795_353_600, blockNumber: 42, leafCount: leaves.length } };
}

describe('anchor leaves and proofs, against @openzeppelin/merkle-tree', () => {
  it('every leaf hash and every proof of random trees of 1 to 300 leaves folds to the library root', () => {
    const random = seededRandom('anchor trees');
    let proofs = 0;
    for (const size of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 64, 100, 127, 128, 129, 255, 256, 257, 300, random.int(1, 300), random.int(1, 300)]) {
      const leaves = Array.from({ length: size }, (_, i) => randomLeaf(random, i));
      const tree = StandardMerkleTree.of(leaves.map(valueOf), ENCODING);
      for (const leaf of leaves) {
        const hash = anchorLeafHash(leaf);
        expect('0x' + bytesToHex(hash)).toBe(tree.leafHash(valueOf(leaf)));
        expect(foldProof(hash, tree.getProof(valueOf(leaf)))).toBe(tree.root);
        proofs++;
      }
    }
    console.log(`anchor trees: ${proofs} leaves and proofs checked against @openzeppelin/merkle-tree`);
  });

  it("a proof does not fold for another leaf, nor for the same head with another seq, room or hash", () => {
    const random = seededRandom('anchor tampering');
    const leaves = Array.from({ length: 50 }, (_, i) => randomLeaf(random, i));
    const tree = StandardMerkleTree.of(leaves.map(valueOf), ENCODING);
    const leaf = leaves[10]!;
    const proof = tree.getProof(valueOf(leaf));
    for (const other of [leaves[11]!, { ...leaf, lastSeq: leaf.lastSeq + 1 }, { ...leaf, roomId: leaf.roomId + ' ' }, { ...leaf, headHash: '0'.repeat(64) }])
      expect(foldProof(anchorLeafHash(other), proof)).not.toBe(tree.root);
  });
});

/** `records` with each record's prev and hash recomputed from the first changed one on: a rewrite by someone who re-chains it. */
function rechain(records: HashedRecord[]): HashedRecord[] {
  let prev = '0'.repeat(64);
  return records.map((r) => {
    const { hash: _h, ...bare } = { ...r, prev } as HashedRecord;
    const hash = recordHash(bare as DrawRecord);
    prev = hash;
    return { ...bare, hash } as HashedRecord;
  });
}

describe('a transcript against its anchor', () => {
  /** A closed room of three dice draws, anchored at its close among 20 other rooms' heads. */
  async function anchoredRoom() {
    const { room, keys, ctx } = await openRoom('anchored');
    for (let i = 0; i < 3; i++) await diceDraw(room);
    await room.finish();
    const t = await room.transcript();
    const head = t.records.at(-1)!;
    const random = seededRandom('anchored room');
    const leaves = [...Array.from({ length: 20 }, (_, i) => randomLeaf(random, i)), { roomId: t.roomId, lastSeq: head.seq, headHash: head.hash }];
    return { t, keys, ctx, ...anchorOf(leaves, 20) };
  }

  it('an honest transcript is anchored; records after the anchored head are not covered', async () => {
    const { t, keys, anchor, chain } = await anchoredRoom();
    expect(anchorProblems(t.roomId, t.records, anchor, chain)).toEqual([]);
    expect(verifyTranscript({ ...t, anchor }, keys, { anchor: chain })).toMatchObject({ ok: true, closed: true, anchor: { anchored: true, index: 7, blockNumber: 42, lastSeq: 6 } });
    // headHash as a bytes32 (0x) is the same head.
    const prefixed = { ...anchor, leaf: { ...anchor.leaf, headHash: '0x' + anchor.leaf.headHash } };
    expect(verifyTranscript({ ...t, anchor: prefixed }, keys, { anchor: chain })).toMatchObject({ ok: true, anchor: { anchored: true } });
    // A malformed anchor fails the check against the chain, and only that: the records still verify.
    const malformed = { ...t, anchor: { ...anchor, proof: 'none' } };
    expect(verifyTranscript(malformed, keys)).toMatchObject({ ok: true, closed: true });
    expect(verifyTranscript(malformed, keys, { anchor: chain })).toMatchObject({ ok: false, anchor: { anchored: false, problems: [expect.stringMatching(/^the transcript's anchor is malformed: proof: /)] } });
    // Anchored at record 3: the records after it are newer than the anchor.
    const early = anchorOf([{ roomId: t.roomId, lastSeq: 3, headHash: t.records[3]!.hash }], 0);
    expect(anchorProblems(t.roomId, t.records, early.anchor, early.chain)).toEqual([]);
  });

  it('truncation, a dropped close, a rewritten record and a forked history each fail', async () => {
    const { t, keys, ctx, anchor, chain } = await anchoredRoom();
    const check = (records: HashedRecord[]) => anchorProblems(t.roomId, records, anchor, chain);
    // Truncated: the last draw and the close gone; alone, it reads like a live room.
    const truncated = t.records.slice(0, 4);
    expect(verifyTranscript({ ...t, records: truncated }, keys)).toMatchObject({ ok: true, closed: false });
    expect(check(truncated)).toEqual([`truncated: record 6 was anchored (anchor 7) and the transcript has 4 records`]);
    // The close dropped: the anchored head was the close.
    expect(check(t.records.slice(0, -1))[0]).toMatch(/^truncated: record 6 was anchored/);
    // A rewritten record, re-chained after it (an operator holding its key would also re-seal).
    const rewritten = structuredClone(t.records);
    (rewritten[1] as unknown as { result: { roll: number } }).result.roll = 1;
    expect(check(rechain(rewritten))).toEqual(['record 6 differs from the one anchored in anchor 7: the history before it was rewritten or forked']);
    expect(check(rewritten)).toEqual(['record 2 does not chain onto the records before it: the history anchored in anchor 7 was rewritten']);
    // A fork: the same room of the same server, another history (its first draw voided), which verifies on its own.
    const fork = await RoomTranscript.open(await journalRoomLog(join(mkdtempSync(join(tmpdir(), 'fork-')), 'room.jsonl')), 'anchored', ctx);
    const voided = await diceDraw(fork, false);
    await fork.void(voided, 'reveal-timeout');
    for (let i = 0; i < 2; i++) await diceDraw(fork);
    await fork.finish();
    const forked: Transcript = await fork.transcript();
    expect(forked.records.length).toBe(t.records.length);
    expect(verifyTranscript(forked, keys)).toMatchObject({ ok: true, closed: true });
    const report = verifyTranscript({ ...forked, anchor }, keys, { anchor: chain });
    expect(report).toMatchObject({ ok: false, anchor: { anchored: false, problems: ['record 6 differs from the one anchored in anchor 7: the history before it was rewritten or forked'] } });
  });

  it("fails an anchor whose root is not the chain's, whose leaf is another room's, or whose proof is another leaf's", async () => {
    const { t, anchor, chain } = await anchoredRoom();
    expect(anchorProblems(t.roomId, t.records, anchor, { ...chain, root: '0x' + '11'.repeat(32) })).toEqual([
      "anchor 7: the transcript's root is not the one on chain",
      `anchor 7: the proof of (anchored, 6, ${t.records[6]!.hash.slice(0, 8)}…) does not fold to the root on chain`,
    ]);
    expect(anchorProblems('another', t.records, anchor, chain)).toEqual(["the anchored leaf is room anchored's, not this room's"]);
    expect(anchorProblems(t.roomId, t.records, { ...anchor, proof: anchor.proof.slice(1) }, chain)[0]).toMatch(/does not fold to the root on chain/);
    expect(anchorProblems(t.roomId, [null, 'junk'], anchor, chain)).toEqual(['truncated: record 6 was anchored (anchor 7) and the transcript has 2 records']);
    expect(anchorProblems(t.roomId, [...Array(7).fill(null)], anchor, chain)[0]).toMatch(/^the anchor cannot be checked/);
  });
});
