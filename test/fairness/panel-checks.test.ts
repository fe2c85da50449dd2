/**
 * The fairness panel's checks against what the page asked for and heard: a hostile operator
 * holds the signing key, so it can serve the panel a second draw, signed and consistent in
 * itself, that every check of the records alone passes. The room asked for, the player, and the
 * hashes the page heard live must catch it.
 */
import { describe, expect, it } from 'vitest';
import { drawSections, findDraw, type PanelLine, type PanelSection } from '../../client/src/fairness-panel-checks.ts';
import { heardDraw, noteHeard } from '../../client/src/heard-draws.ts';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { PUBLISHED_RULES } from '../../games/registry.ts';
import { createFairnessContext } from '../../server/fairness/context.ts';
import { RoomTranscript } from '../../server/fairness/room-transcript.ts';
import { getSuite } from '../../vrf/index.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import type { TrustedKeys } from '../../vrf/protocol/verifier.ts';
import { journalRoomLog } from '../helpers/journal-room-log.ts';
import { authorizedPlayer, openRoom } from './room-fixture.ts';

const lines = (sections: PanelSection[]): PanelLine[] => sections.flatMap((s) => s.lines);
const failed = (sections: PanelSection[]) => lines(sections).filter((l) => l.check === false).map((l) => l.step);
const step = (sections: PanelSection[], name: string) => lines(sections).find((l) => l.step === name);

/** One settled dice draw in a fresh room `roomId`: its records and the player's address. */
async function playedDraw(roomId: string, opened?: { room: RoomTranscript; keys: TrustedKeys }) {
  const { room, keys } = opened ?? (await openRoom(roomId));
  const draw = { game: 'dice', kind: 'roll', action: { stake: 10, target: 5000, direction: 'under' } };
  const player = await authorizedPlayer(room, draw);
  const receipt = await room.receipt({ ...draw, players: [player] });
  await room.reveal(receipt.drawSeq, player.address, player.seed);
  await room.settle(receipt.drawSeq);
  const records = (await room.transcript()).records as HashedRecord[];
  return { keys, records, address: player.address, drawSeq: receipt.drawSeq };
}

describe('fairness panel: the draw against what the page saw', () => {
  it('an honest draw, heard live, passes every check, the heard hashes among them', async () => {
    const { keys, records, address, drawSeq } = await playedDraw('honest-room');
    for (const r of records) noteHeard('honest-room', r, true);
    const draw = findDraw(records, drawSeq)!;
    const sections = drawSections(draw, keys, address, { roomId: 'honest-room', heard: heardDraw('honest-room', drawSeq)! });
    expect(failed(sections)).toEqual([]);
    expect(step(sections, 'heard-end')?.check).toBe(true);
    expect(step(sections, 'heard-receipt')?.check).toBe(true);
    expect(step(sections, 'room')?.check).toBe(true);
  });

  it('a second draw signed by the operator for the panel fails on the hash the page heard', async () => {
    // The same room id, key and player's draw number: the operator replays the room with other seeds and serves that.
    const open = oneOperator();
    const played = await playedDraw('twice', await open('twice'));
    const heard = { end: played.records.find((r) => r.type === 'outcome')!.hash };
    const forged = await playedDraw('twice', await open('twice'));
    expect(forged.keys).toEqual(played.keys);
    const draw = findDraw(forged.records, forged.drawSeq)!;
    // Every record check of the forgery holds (same signer, same VRF key): only what the page heard tells.
    const alone = drawSections(draw, forged.keys, forged.address, { roomId: 'twice' });
    expect(failed(alone)).toEqual([]);
    expect(step(alone, 'heard')?.check).toBeUndefined();
    const sections = drawSections(draw, forged.keys, forged.address, { roomId: 'twice', heard });
    expect(failed(sections)).toEqual(['heard-end']);
  });

  it("another room's draw, or a draw the player is not in, is marked failed, not shown as theirs", async () => {
    const { keys, records, address, drawSeq } = await playedDraw('room-a');
    const draw = findDraw(records, drawSeq)!;
    expect(failed(drawSections(draw, keys, address, { roomId: 'room-b' }))).toEqual(['room']);
    const stranger = '0x' + '11'.repeat(20);
    expect(failed(drawSections(draw, keys, stranger, { roomId: 'room-a' }))).toEqual(['player']);
  });

  it('a receipt whose hash is not its own fails', async () => {
    const { keys, records, address, drawSeq } = await playedDraw('rehash');
    const draw = findDraw(records, drawSeq)!;
    const bent = { ...draw, receipt: { ...draw.receipt, hash: '00'.repeat(32) } };
    expect(failed(drawSections(bent, keys, address, { roomId: 'rehash' }))).toEqual(['receipt-hash']);
  });
});

/** Rooms of one throwaway server: the same operator and VRF key each time, a fresh commitment registry (a hostile operator need not consult its own). */
function oneOperator() {
  const suite = getSuite('ECVRF-EDWARDS25519-SHA512-TAI');
  const sk = crypto.getRandomValues(new Uint8Array(32));
  const operator = Wallet.createRandom();
  const keys = { suite: suite.name, publicKey: bytesToHex(suite.publicKey(sk)), receiptSigner: operator.address };
  return async (roomId: string) => {
    const ctx = createFairnessContext({
      suite,
      vrfPublicKey: suite.publicKey(sk),
      operatorKey: operator.privateKey,
      operatorAddress: operator.address,
      prover: { prove: async (alpha) => { const pi = suite.prove(sk, alpha); return { pi, beta: suite.proofToHash(pi) }; }, close: async () => undefined },
      rules: Object.values(PUBLISHED_RULES),
    });
    const log = await journalRoomLog(join(mkdtempSync(join(tmpdir(), 'panel-')), 'room.jsonl'));
    return { room: await RoomTranscript.open(log, roomId, ctx), keys };
  };
}
