/**
 * /verify's anchor check (client/src/anchor-check.ts) off chain: its leaf is OpenZeppelin's
 * StandardMerkleTree leaf (built here again with ethers' ABI coder), its proof folds sorted pairs,
 * and a transcript cut short, rewritten or forked after its anchor fails; a transcript without an
 * anchor says so. The registry read itself is covered against a real chain by the browser test.
 */
import { readFileSync } from 'node:fs';
import { AbiCoder, keccak256 } from 'ethers';
import { describe, expect, it } from 'vitest';
import { anchorLeaf, anchorStatus, foldProof, type TranscriptAnchor } from '../../client/src/anchor-check.ts';
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

describe('the anchor check', () => {
  it("builds OpenZeppelin's leaf and folds the proof to the root", () => {
    const { anchor, root } = anchored(1);
    expect(`0x${bytesToHex(anchorLeaf(anchor.leaf))}`).toBe(ozLeaf(anchor.leaf.roomId, anchor.leaf.lastSeq, anchor.leaf.headHash));
    // A room id longer than one word is padded as ABI encoding pads it.
    const long = { roomId: 'r'.repeat(45), lastSeq: 2 ** 40, headHash: 'ef'.repeat(32) };
    expect(`0x${bytesToHex(anchorLeaf(long))}`).toBe(ozLeaf(long.roomId, long.lastSeq, long.headHash));
    expect(foldProof(anchorLeaf(anchor.leaf), anchor.proof)).toBe(root);
  });

  it('holds off chain for the anchored transcript, and waits for a chain to be checked', async () => {
    const { anchor } = anchored(1);
    expect(await anchorStatus({ ...transcript, anchor, lastAnchorAt: 1 }, undefined)).toEqual({ kind: 'unchecked', index: 3 });
  });

  it('fails a transcript cut short, rewritten or forked after its anchor', async () => {
    const { anchor } = anchored(transcript.records.length - 1);
    const cut = await anchorStatus({ ...transcript, records: transcript.records.slice(0, -1), anchor }, undefined);
    expect(cut).toMatchObject({ kind: 'failed' });
    expect(JSON.stringify(cut)).toMatch(/cut short after its anchor/);

    const records = transcript.records.map((r) => ({ ...r }));
    (records.at(-1) as { drawSeq: number }).drawSeq += 1;
    const rewritten = await anchorStatus({ ...transcript, records, anchor }, undefined);
    expect(JSON.stringify(rewritten)).toMatch(/differs from the one anchored/);

    const forgedProof = await anchorStatus({ ...transcript, anchor: { ...anchor, proof: [`0x${'00'.repeat(32)}`] } }, undefined);
    expect(JSON.stringify(forgedProof)).toMatch(/folds to .*not to the anchor's root/);

    const otherRoom = await anchorStatus({ ...transcript, anchor: { ...anchor, leaf: { ...anchor.leaf, roomId: 'another-room' } } }, undefined);
    expect(JSON.stringify(otherRoom)).toMatch(/not of this transcript's room/);

    expect(await anchorStatus({ ...transcript, anchor: { index: 'x' } }, undefined)).toMatchObject({ kind: 'failed' });
  });

  it('says when a transcript is not yet anchored, or carries no anchor fields', async () => {
    expect(await anchorStatus({ ...transcript, anchor: null, lastAnchorAt: 1234 }, undefined)).toEqual({ kind: 'not-anchored', lastAnchorAt: 1234 });
    expect(await anchorStatus({ ...transcript, anchor: null, lastAnchorAt: null }, undefined)).toEqual({ kind: 'not-anchored', lastAnchorAt: null });
    expect(await anchorStatus(transcript, undefined)).toEqual({ kind: 'absent' });
  });
});
