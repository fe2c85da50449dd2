/**
 * A full game session on the fifth suite, ECVRF-SECP256K1-SHA256-TAI (issue 19), one real server
 * process started with `VRF_SUITE` set to it: a dice roll, a blackjack hand played to its end and
 * a raid round (the chest draw over two players' seeds, then a chest opened), over real
 * WebSockets. Every room's transcript, once closed, verifies with the project's verifier; every
 * outcome message carries the witnesses `VrfSecp256k1.fastVerify` takes, exactly what
 * `fastVerifyWitnesses` recomputes from the key, pi and alpha; and no record stores them. On its
 * chain, GameAssets and the FairnessRegistry hold the suite and the 33-byte key, and a settled
 * roll taken to the reveal court is answered with a proof that verifies against that key.
 */
import { join } from 'node:path';
import { Client, type Room } from '@colyseus/sdk';
import { Contract, Interface, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { readArtifact } from '../../server/chain/artifact.ts';
import { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import type { OutcomeMessage } from '../../server/fairness/room-transcript.ts';
import { getSuite } from '../../vrf/index.ts';
import { signDrawMove } from '../../vrf/protocol/authorization.ts';
import { courtAnswerProblems } from '../../vrf/protocol/court-answer.ts';
import type { DrawRecord } from '../../vrf/protocol/records.ts';
import { receiptTerms } from '../../vrf/protocol/record-checks.ts';
import { newSeed, seedCommitment, vrfKeyId } from '../../vrf/protocol/commitment.ts';
import { bytesToHex, hexToBytes } from '../../vrf/protocol/encoding.ts';
import { verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { encodeWitnesses, fastVerifyWitnesses } from '../../vrf/secp256k1-witnesses.ts';
import { caseStatus, courtAbi, courtAt, fund, revealToCourt } from '../helpers/court.ts';
import { randomWallet } from '../helpers/gambler.ts';
import { authorize, closedTranscript, getJson, sessionSignIn, TestPlayer, type FairnessParams } from '../helpers/player.ts';
import { Raider } from '../helpers/raider.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SUITE = 'ECVRF-SECP256K1-SHA256-TAI';
const registryAbi = new Interface(['function vrfKey(bytes8 keyId) view returns (string suite, bytes publicKey, uint64 activeFrom)']);
type ChainFairness = { chain: { gameAssets: string; registry: string | { address: string }; court: { address: string } } };

let server: ServerProcess;
let fairness: FairnessParams;
beforeAll(async () => {
  server = await startServerProcess({ env: { VRF_SUITE: SUITE, MAX_MESSAGES_PER_SECOND: '200', RAID_ROUND_SECONDS: '60' } });
  fairness = await getJson<FairnessParams>(`${server.url}/fairness`);
}, timeoutWithStarts(1, 0));
afterAll(async () => {
  await server?.stop();
});

/** A blackjack table for a fresh wallet: one minimum hand, played hit-below-17 to its end; its outcome message. */
async function playHand(url: string): Promise<{ room: Room; outcome: OutcomeMessage }> {
  const client = new Client(url);
  const { token, sessionKey } = await sessionSignIn(url, Wallet.createRandom());
  client.auth.token = token;
  const room: Room = await client.create('blackjack');
  const inbox: { type: string; body: any }[] = [];
  for (const type of ['receipt', 'deal', 'move', 'outcome', 'error']) room.onMessage(type, (body) => inbox.push({ type, body }));
  const next = (type: string, pred: (b: any) => boolean): Promise<any> =>
    waitFor(
      () => {
        const failed = inbox.find((m) => m.type === 'error');
        if (failed) throw new Error(`blackjack refused: ${JSON.stringify(failed.body)}`);
        const i = inbox.findIndex((m) => m.type === type && pred(m.body));
        return i >= 0 && inbox.splice(i, 1)[0]!.body;
      },
      { what: `a "${type}" message in blackjack room ${room.roomId}`, interval: 20 },
    );
  const seed = newSeed();
  const commitment = seedCommitment(seed);
  const stake = 10 * UNITS_PER_CHIP;
  room.send('bet', { stake, commitment, authorization: await authorize(sessionKey, room.roomId, 'blackjack', 'hand', { stake }, commitment) });
  const receipt = await next('receipt', (r) => r.commitments[0] === commitment);
  room.send('reveal', { drawSeq: receipt.drawSeq, seed });
  for (let deal = await next('deal', (d) => d.drawSeq === receipt.drawSeq); !deal.done; deal = await next('deal', (d) => d.drawSeq === receipt.drawSeq)) {
    const move = deal.total < 17 ? 'hit' : 'stand';
    room.send('move', { drawSeq: receipt.drawSeq, move, authorization: await signDrawMove(sessionKey, { roomId: room.roomId, drawSeq: receipt.drawSeq, moveIndex: deal.moveCount, move }) });
  }
  return { room, outcome: await next('outcome', (o) => o.record.drawSeq === receipt.drawSeq) };
}

/** The outcome message's witnesses are `fastVerifyWitnesses` of its own key, pi and alpha, and the proof verifies. */
function expectWitnessed(outcome: OutcomeMessage): void {
  const pk = hexToBytes(fairness.publicKey);
  const [pi, alpha] = [hexToBytes(outcome.pi), hexToBytes(outcome.alpha)];
  expect(outcome).toMatchObject({ suite: SUITE, keyId: fairness.keyId, alpha: outcome.record.alpha, pi: outcome.record.pi, beta: outcome.record.beta });
  expect(getSuite(SUITE).verify(pk, alpha, pi)).toEqual({ valid: true, beta: hexToBytes(outcome.beta) });
  expect(outcome.witnesses).toBe(bytesToHex(encodeWitnesses(fastVerifyWitnesses(pk, pi, alpha))));
  expect(outcome.witnesses).toHaveLength(2 * 13 * 32);
}

describe(`a game session with VRF_SUITE=${SUITE}`, () => {
  it('serves the suite and its 33-byte compressed key', () => {
    expect(fairness.suite).toBe(SUITE);
    expect(fairness.publicKey).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(fairness.keyId).toBe(vrfKeyId(SUITE, hexToBytes(fairness.publicKey)));
  });

  it('plays dice, blackjack and a raid round; every outcome carries its witnesses, every closed room verifies', { timeout: 240_000 }, async () => {
    // Dice: one roll.
    const dicer = await TestPlayer.join(server.url, { create: true });
    const { receipt, seed } = await dicer.bet({ stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
    const roll = await dicer.reveal(receipt.drawSeq, seed);
    expectWitnessed(roll);

    // Blackjack: one hand to its end (moves signed by the session key).
    const table = await playHand(server.url);
    expectWitnessed(table.outcome);

    // Raid: the chest draw over both raiders' seeds, then A opens the nearest chest.
    const a = await Raider.join(server.url);
    const b = await Raider.join(server.url, a.room.roomId);
    const chests = await a.until('the chest draw', () => a.messages.find((m) => m.type === 'outcome' && m.body.record.result.tiles)?.body, 60_000);
    expect(chests.record.seeds).toHaveLength(2);
    const loot = (await a.openNearest()) as OutcomeMessage | undefined;
    expect(loot, 'a chest opened within the round').toBeDefined();
    for (const outcome of [chests, loot!]) expectWitnessed(outcome);
    // B hears the chest draw too, with the same witnesses.
    const heard = await b.until('B hears the chest draw', () => b.messages.find((m) => m.type === 'outcome' && m.body.record.drawSeq === chests.record.drawSeq)?.body);
    expect(heard.witnesses).toBe(chests.witnesses);

    await Promise.all([dicer.room.leave(), table.room.leave(), a.room.leave(), b.room.leave()]);
    const rooms = [dicer.room.roomId, table.room.roomId, a.room.roomId];
    for (const roomId of rooms) {
      const transcript: Transcript = await closedTranscript(server.url, roomId);
      expect(transcript).toMatchObject({ suite: SUITE, publicKey: fairness.publicKey });
      const report = verifyTranscript(transcript, fairness);
      expect(report.records.filter((r) => r.problems.length)).toEqual([]);
      expect(report).toMatchObject({ ok: true, closed: true, pendingDraws: [] });
      const outcomes = transcript.records.filter((r) => r.type === 'outcome');
      expect(outcomes.length).toBeGreaterThan(0);
      // Witnesses are derivable from (pk, pi, alpha): no record stores them.
      for (const r of outcomes) expect(r).not.toHaveProperty('witnesses');
      console.log(`room ${roomId}: ${transcript.records.length} records, ${outcomes.length} outcomes, verified`);
    }
  });

  it('the chain holds the suite and key; a settled roll taken to the reveal court is answered with a proof of that key', { timeout: 180_000 }, async () => {
    const { chain } = await getJson<ChainFairness>(`${server.url}/fairness`);
    const provider = new IpcJsonRpcProvider(join(server.dataDir, 'chain', 'anvil.ipc'));
    try {
      const registryAddress = typeof chain.registry === 'string' ? chain.registry : chain.registry.address;
      const inRegistry = (await new Contract(registryAddress, registryAbi, provider).getFunction('vrfKey')('0x' + fairness.keyId)) as { suite: string; publicKey: string };
      const inAssets = (await new Contract(chain.gameAssets, readArtifact().abi as never, provider).getFunction('vrfKey')('0x' + fairness.keyId)) as { suite: string; publicKey: string };
      for (const registered of [inRegistry, inAssets]) expect([registered.suite, registered.publicKey]).toEqual([SUITE, '0x' + fairness.publicKey]);

      const wallet = randomWallet();
      const player = await TestPlayer.join(server.url, { wallet, create: true });
      const { receipt, seed } = await player.bet({ stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
      const outcome = await player.reveal(receipt.drawSeq, seed);
      const playerWallet = wallet.connect(provider) as Wallet;
      await fund(provider, playerWallet.address);
      const revealed = await revealToCourt(chain.court.address, playerWallet, receipt, seed);
      const court = courtAt(chain.court.address, provider);
      await waitFor(async () => (await caseStatus(court, revealed.caseId)) === 2, { what: `the server to answer the case of draw ${receipt.drawSeq}`, timeout: 60_000, interval: 250 });
      const [answered] = await provider.getLogs({ address: chain.court.address, topics: [courtAbi.getEvent('Answered')!.topicHash, '0x' + revealed.caseId], fromBlock: 0 });
      const event = courtAbi.parseLog(answered!)!;
      const answer = { beta: event.args.getValue('beta') as string, pi: event.args.getValue('pi') as string, payout: Number(event.args.getValue('payout') as bigint) };
      // The room settled the draw: the answer is its outcome, checked against the key on chain.
      expect(answer).toEqual({ beta: '0x' + outcome.beta, pi: '0x' + outcome.pi, payout: 0 });
      const { terms } = receiptTerms(receipt, fairness);
      const records = (await getJson<Transcript>(`${server.url}/rooms/${player.room.roomId}/transcript`)).records as DrawRecord[];
      expect(courtAnswerProblems(receipt, seed, answer, records, inRegistry.publicKey, terms)).toEqual([]);
      await player.room.leave();
    } finally {
      provider.destroy();
    }
  });
});
