/**
 * /verify's anchor line (client/src/anchor-check.ts) off chain: a transcript cut short, rewritten
 * or forked after its anchor fails, one whose anchor holds waits for a chain, one without an
 * anchor says so; the leaf and fold agree with OpenZeppelin's tree built here with ethers. The
 * registry read itself is covered against a real chain by test/browser/verify-anchor.test.ts.
 */
import { readFileSync } from 'node:fs';
import { AbiCoder, keccak256 } from 'ethers';
import { describe, expect, it } from 'vitest';
import { anchorStatus } from '../../client/src/anchor-check.ts';
import { olderThanSeen } from '../../client/src/anchor-memory.ts';
import { newerAnchorsReport } from '../../vrf/protocol/newer-anchors.ts';
import { anchorLeafHash, foldProof, type TranscriptAnchor } from '../../vrf/protocol/anchor-proof.ts';
import { verifyTranscript, type TrustedKeys } from '../../vrf/protocol/transcript.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { recordHash, type DrawRecord } from '../../vrf/protocol/records.ts';

const vector = JSON.parse(readFileSync(new URL('../vectors/transcript-v1.json', import.meta.url), 'utf8')) as { transcript: { roomId: string; records: (DrawRecord & { hash: string })[] } };
const transcript = vector.transcript;

/** The leaf as OpenZeppelin's StandardMerkleTree makes it. */
const ozLeaf = (roomId: string, lastSeq: number, headHash: string) => keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(['string', 'uint64', 'bytes32'], [roomId, lastSeq, `0x${headHash}`])));
const pair = (a: string, b: string) => keccak256(a < b ? `0x${a.slice(2)}${b.slice(2)}` : `0x${b.slice(2)}${a.slice(2)}`);

/** A three-leaf tree with this transcript's head in it, and its proof. */
function anchored(lastSeq: number): { anchor: TranscriptAnchor; root: string } {
  const head = recordHash(transcript.records[lastSeq]!);
  const mine = ozLeaf(transcript.roomId, lastSeq, head);
  const other = ozLeaf('another-room', 7, 'ab'.repeat(32));
  const third = ozLeaf('third-room', 1, 'cd'.repeat(32));
  const otherPair = pair(other, third);
  const root = pair(mine, otherPair);
  return { root, anchor: { index: 3, root, leaf: { roomId: transcript.roomId, lastSeq, headHash: head }, proof: [otherPair], blockNumber: 12, txHash: `0x${'11'.repeat(32)}` } };
}

const keys = JSON.parse(readFileSync(new URL('../vectors/transcript-v1.json', import.meta.url), 'utf8')).keys as TrustedKeys;
/** The status with no chain given: what holds off chain. */
const offChain = (t: unknown) => anchorStatus(t, verifyTranscript(t, keys), { checked: false });

describe("/verify's anchor line", () => {
  it('holds off chain for an anchored transcript whose proof folds to its root, and waits for a chain to be checked', () => {
    const { anchor } = anchored(1);
    expect(offChain({ ...transcript, anchor, lastAnchorAt: 1 })).toEqual({ kind: 'unchecked', index: 3 });
  });

  it('fails a transcript cut short, rewritten or forked after its anchor, or with a proof of another room', () => {
    const { anchor } = anchored(transcript.records.length - 1);
    const cut = offChain({ ...transcript, records: transcript.records.slice(0, -1), anchor });
    expect(cut.kind).toBe('failed');
    expect(JSON.stringify(cut)).toMatch(/truncated/);

    const records = transcript.records.map((r) => ({ ...r }));
    (records.at(-1) as { drawSeq: number }).drawSeq += 1;
    expect(JSON.stringify(offChain({ ...transcript, records, anchor }))).toMatch(/differs from the one anchored/);

    const forgedProof = offChain({ ...transcript, anchor: { ...anchor, proof: [`0x${'00'.repeat(32)}`] } });
    expect(JSON.stringify(forgedProof)).toMatch(/does not fold to the root/);

    const otherRoom = offChain({ ...transcript, anchor: { ...anchor, leaf: { ...anchor.leaf, roomId: 'another-room' } } });
    expect(JSON.stringify(otherRoom)).toMatch(/not this room's/);

    expect(offChain({ ...transcript, anchor: { index: 'x' } })).toMatchObject({ kind: 'failed' });
  });

  it('says when a transcript is not yet anchored, carries no anchor fields, or the chain could not be read', () => {
    expect(offChain({ ...transcript, anchor: null, lastAnchorAt: 1234 })).toEqual({ kind: 'not-anchored', lastAnchorAt: 1234 });
    expect(offChain({ ...transcript, anchor: null, lastAnchorAt: null })).toEqual({ kind: 'not-anchored', lastAnchorAt: null });
    expect(offChain(transcript)).toEqual({ kind: 'absent' });
    const { anchor } = anchored(1);
    const t = { ...transcript, anchor };
    expect(anchorStatus(t, verifyTranscript(t, keys), { checked: false, problem: 'the registry could not be read: down' })).toEqual({ kind: 'failed', problems: ['the registry could not be read: down'] });
  });

  it("agrees with the protocol's leaf and fold (vrf/protocol/anchor-proof.ts) on OpenZeppelin's tree built with ethers", () => {
    const { anchor, root } = anchored(1);
    expect(`0x${bytesToHex(anchorLeafHash(anchor.leaf))}`).toBe(ozLeaf(anchor.leaf.roomId, anchor.leaf.lastSeq, anchor.leaf.headHash));
    expect(foldProof(anchorLeafHash(anchor.leaf), anchor.proof)).toBe(root);
  });
});

describe("/verify's anchor line with the anchors newer than the transcript's", () => {
  const { anchor, root } = anchored(transcript.records.length - 1);
  const t = { ...transcript, anchor, lastAnchorAt: 1 };
  const onChain = { checked: true, anchorTimestamp: 100 };
  const report = verifyTranscript(t, keys, { anchor: { index: 3, root, timestamp: 100, blockNumber: 12, leafCount: 3 } });
  const window = { from: 4, to: 6, anchorCount: 6 };

  it('names the anchor among all the registry holds, and fails a transcript a newer anchor supersedes', () => {
    const clear = newerAnchorsReport(window, [{ kind: 'clear', index: 4 }, { kind: 'clear', index: 5 }]);
    expect(anchorStatus(t, report, { ...onChain, newer: clear })).toMatchObject({ kind: 'anchored', index: 3, anchorCount: 6, newer: clear });
    const problem = 'superseded: anchor 5 commits this room at record 9, and the transcript ends at record 1';
    const superseded = newerAnchorsReport(window, [{ kind: 'clear', index: 4 }, { kind: 'superseded', index: 5, lastSeq: 9, problem }]);
    expect(anchorStatus(t, report, { ...onChain, newer: superseded })).toEqual({ kind: 'failed', problems: [problem], newer: superseded });
    // Served with no anchor at all: a newer anchor holding the room fails it too.
    expect(anchorStatus({ ...t, anchor: null }, report, { ...onChain, newer: superseded })).toMatchObject({ kind: 'failed', problems: [problem] });
    // An anchor that could not be read whole is no failure: the page shows it as unchecked.
    const unchecked = newerAnchorsReport(window, [{ kind: 'unchecked', index: 4, reason: '/anchors/4 answered HTTP 404' }, { kind: 'clear', index: 5 }]);
    expect(anchorStatus(t, report, { ...onChain, newer: unchecked })).toMatchObject({ kind: 'anchored', newer: { unchecked: [{ index: 4 }] } });
  });

  it("flags a transcript older than the newest this tab verified of the room: an older anchor, or fewer records", () => {
    const seen = { index: 7, lastSeq: 20, records: 22 };
    expect(olderThanSeen(undefined, { index: 1, records: 1 })).toBeUndefined();
    expect(olderThanSeen(seen, { index: 7, records: 22 })).toBeUndefined();
    expect(olderThanSeen(seen, { index: 9, records: 30 })).toBeUndefined();
    expect(olderThanSeen(seen, { index: 6, records: 30 })).toBe('this tab verified anchor 7 of this room (records 0 to 20, 22 records in all); now it is served anchor 6, an older one');
    expect(olderThanSeen(seen, { index: null, records: 30 })).toMatch(/now it is served no anchor, an older one$/);
    expect(olderThanSeen(seen, { index: 7, records: 21 })).toMatch(/now it is served 21 records, a shorter history$/);
  });
});
