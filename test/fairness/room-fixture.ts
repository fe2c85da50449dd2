/**
 * A room's transcript made by the server's own RoomTranscript with a throwaway key, for the
 * verifier tests: dice draws settled, one voided, one left open, and a two-player raid chest draw.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet, type HDNodeWallet } from 'ethers';
import { PUBLISHED_RULES } from '../../games/registry.ts';
import { rulesHash } from '../../games/rules-document.ts';
import { createFairnessContext, type FairnessContext } from '../../server/fairness/context.ts';
import type { RoomLog } from '../../server/fairness/room-records.ts';
import { RoomTranscript } from '../../server/fairness/room-transcript.ts';
import type { CommitmentRegistry } from '../../server/indexes/commitments.ts';
import { getSuite } from '../../vrf/index.ts';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { signDrawRequest, type DrawAuthorization } from '../../vrf/protocol/authorization.ts';
import type { JsonValue } from '../../vrf/protocol/encoding.ts';
import type { TrustedKeys } from '../../vrf/protocol/verifier.ts';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { journalRoomLog } from '../helpers/journal-room-log.ts';

/** A fresh player with a fresh seed who signed (with the wallet itself) the request for this draw in `room`. */
export async function authorizedPlayer(
  room: RoomTranscript,
  draw: { game: string; kind: string; action: Record<string, JsonValue> },
): Promise<{ address: string; seed: string; commitment: string; authorization: DrawAuthorization }> {
  const wallet = Wallet.createRandom();
  const seed = newSeed();
  const commitment = seedCommitment(seed);
  const signature = await signDrawRequest(wallet, { roomId: room.roomId, ...draw, commitment, rulesHash: publishedRulesHash(draw.game) });
  return { address: wallet.address, seed, commitment, authorization: { signature } };
}

/** The hash of a game's published rules: what the fixture's draws are played under. */
export const publishedRulesHash = (game: string): string => rulesHash(PUBLISHED_RULES[game]!);

/**
 * A room of a throwaway server (its operator key returned too, for tests that play the operator).
 * With `commitments`, the room claims its draws' commitments there (the default registry is the room's own, in memory);
 * with `log`, its records go there (the default is a journal file of its own).
 */
export async function openRoom(
  roomId = 'fixture',
  opts: { commitments?: CommitmentRegistry; log?: RoomLog } = {},
): Promise<{ room: RoomTranscript; keys: TrustedKeys; operator: Wallet | HDNodeWallet; ctx: FairnessContext }> {
  const suite = getSuite('ECVRF-EDWARDS25519-SHA512-TAI');
  const sk = crypto.getRandomValues(new Uint8Array(32));
  const operator = Wallet.createRandom();
  const ctx = createFairnessContext({
    suite,
    vrfPublicKey: suite.publicKey(sk),
    operatorKey: operator.privateKey,
    operatorAddress: operator.address,
    prover: {
      prove: async (alpha) => {
        const pi = suite.prove(sk, alpha);
        return { pi, beta: suite.proofToHash(pi) };
      },
      close: async () => undefined,
    },
    rules: Object.values(PUBLISHED_RULES),
    ...(opts.commitments ? { commitments: opts.commitments } : {}),
  });
  const log = opts.log ?? (await journalRoomLog(join(mkdtempSync(join(tmpdir(), 'verifier-')), 'room.jsonl')));
  const room = await RoomTranscript.open(log, roomId, ctx);
  return { room, keys: { suite: suite.name, publicKey: bytesToHex(suite.publicKey(sk)), receiptSigner: operator.address }, operator, ctx };
}

/** One dice draw by a fresh player; settled unless `reveal` is false. */
export async function diceDraw(room: RoomTranscript, reveal = true): Promise<number> {
  const draw = { game: 'dice', kind: 'roll', action: { stake: 10, target: 5000, direction: 'under' } };
  const player = await authorizedPlayer(room, draw);
  const receipt = await room.receipt({ ...draw, players: [player] });
  if (reveal) {
    await room.reveal(receipt.drawSeq, player.address, player.seed);
    await room.settle(receipt.drawSeq);
  }
  return receipt.drawSeq;
}

/** A chest draw over two players' seeds, settled. */
export async function chestDraw(room: RoomTranscript, round: number): Promise<void> {
  const draw = { game: 'raid', kind: 'chests', action: { round, count: 6 } };
  const players = [await authorizedPlayer(room, draw), await authorizedPlayer(room, draw)];
  const receipt = await room.receipt({ ...draw, players });
  for (const p of players) await room.reveal(receipt.drawSeq, p.address, p.seed);
  await room.settle(receipt.drawSeq);
}

/** A loot draw of one fresh player for `chest` of `round`; settled, or voided when `reveal` is false. */
export async function lootDraw(room: RoomTranscript, round: number, chest: number, reveal = true): Promise<void> {
  const draw = { game: 'raid', kind: 'loot', action: { round, chest, table: 'raid-loot-v1' } };
  const player = await authorizedPlayer(room, draw);
  const receipt = await room.receipt({ ...draw, players: [player] });
  if (!reveal) return void (await room.void(receipt.drawSeq, 'reveal-timeout'));
  await room.reveal(receipt.drawSeq, player.address, player.seed);
  await room.settle(receipt.drawSeq);
}

/** receipt+outcome, receipt+outcome, chests receipt+outcome, receipt+void, an open receipt: 9 records. */
export async function mixedRoom(roomId = 'fixture') {
  const { room, keys } = await openRoom(roomId);
  await diceDraw(room);
  await diceDraw(room);
  await chestDraw(room, 1);
  const voided = await diceDraw(room, false);
  await room.void(voided, 'reveal-timeout');
  await diceDraw(room, false);
  return { room, keys, transcript: await room.transcript() };
}

/** A filed room: two dice draws (one settled, one voided), a two-player chest draw, closed; its records. */
export async function filedRoom(roomId: string): Promise<HashedRecord[]> {
  const { room } = await openRoom(roomId);
  await diceDraw(room);
  const voided = await diceDraw(room, false);
  await room.void(voided, 'reveal-timeout');
  await chestDraw(room, 1);
  await room.finish();
  return (await room.transcript()).records;
}
