/**
 * Blackjack over real WebSockets against a real server process: hands bet, revealed, dealt and
 * played with hits, stands and doubles; every card shown before the end is the deck's; the
 * transcript (move records included) verifies; the balance is the sum of the hands. A hand the
 * player stops playing is completed as a stand when the room closes, and verifies too.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type Room } from '@colyseus/sdk';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_STAKE_UNITS, UNITS_PER_CHIP } from '../../games/chips.ts';
import { blackjack, handResult, type HandResult } from '../../games/blackjack/rules.ts';
import type { DealMessage } from '../../games/blackjack/room.ts';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import type { OutcomeMessage } from '../../server/fairness/room-transcript.ts';
import { main } from '../../vrf/cli.ts';
import { verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { signDrawMove, type TypedDataSigner } from '../../vrf/protocol/authorization.ts';
import { authorize, closedTranscript, getJson, sessionSignIn, signInToken, type FairnessParams } from '../helpers/player.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

let server: ServerProcess;
let fairness: FairnessParams;

beforeAll(async () => {
  // Hands here follow each other faster than a person plays: above the default 20 messages a
  // second a client is cut off (4002), which hostile.test.ts checks.
  server = await startServerProcess({ env: { MAX_MESSAGES_PER_SECOND: '200' } });
  fairness = await getJson<FairnessParams>(`${server.url}/fairness`);
});
afterAll(async () => {
  await server?.stop();
});

/** Collects a room's messages by type; `next` waits for one that matches. */
function inbox(room: Room) {
  const seen: { type: string; body: Record<string, unknown> }[] = [];
  const waiters: { type: string; pred: (b: Record<string, unknown>) => boolean; resolve: (b: Record<string, unknown>) => void }[] = [];
  for (const type of ['receipt', 'deal', 'move', 'outcome', 'void', 'error'])
    room.onMessage(type, (body: Record<string, unknown>) => {
      const w = waiters.findIndex((x) => x.type === type && x.pred(body));
      if (w >= 0) waiters.splice(w, 1)[0]!.resolve(body);
      else seen.push({ type, body });
    });
  return <T>(type: string, pred: (b: Record<string, unknown>) => boolean = () => true): Promise<T> => {
    const i = seen.findIndex((m) => m.type === type && pred(m.body));
    if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0]!.body as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${type}" message within 20 s; unclaimed: ${JSON.stringify(seen.map((m) => m.type))}`)), 20_000);
      waiters.push({ type, pred, resolve: (b) => (clearTimeout(timer), resolve(b as T)) });
    });
  };
}

/** Sends a bet signed by `signer` (protocol v2: the player authorises every hand). */
function better(room: Room, signer: TypedDataSigner) {
  return async (stake: number, commitment: string): Promise<void> =>
    room.send('bet', { stake, commitment, authorization: await authorize(signer, room.roomId, 'blackjack', 'hand', { stake }, commitment) });
}

async function sitDown(wallet = Wallet.createRandom()) {
  const client = new Client(server.url);
  const { token, sessionKey } = await sessionSignIn(server.url, wallet);
  client.auth.token = token;
  const room = await client.create(blackjack.id);
  /** Sends a move signed by the session key as the hand's `moveIndex`-th move (protocol v2). */
  const move = async (drawSeq: number, moveIndex: number, m: string): Promise<void> =>
    room.send('move', { drawSeq, move: m, authorization: await signDrawMove(sessionKey, { roomId: room.roomId, drawSeq, moveIndex, move: m }) });
  return { wallet, sessionKey, room, next: inbox(room), bet: better(room, sessionKey), move };
}

/** Plays minimum hands until one is not decided at the deal (no natural); its drawSeq, the player to move. */
async function undecidedHand({ room, next, bet }: Awaited<ReturnType<typeof sitDown>>): Promise<number> {
  for (;;) {
    const seed = newSeed();
    const commitment = seedCommitment(seed);
    await bet(MIN_STAKE_UNITS, commitment);
    const { drawSeq } = await next<{ drawSeq: number }>('receipt', (r) => (r['commitments'] as string[])[0] === commitment);
    room.send('reveal', { drawSeq, seed });
    const deal = await next<DealMessage>('deal', (d) => d['drawSeq'] === drawSeq);
    if (!deal.done) return drawSeq;
    await next('outcome', (o) => (o['record'] as { drawSeq: number }).drawSeq === drawSeq);
  }
}

/** A simple strategy: hit below 17, double a hard 10 or 11 as the first move. */
function choose(deal: DealMessage): string {
  if (deal.legalMoves.includes('double') && !deal.soft && (deal.total === 10 || deal.total === 11)) return 'double';
  return deal.total < 17 ? 'hit' : 'stand';
}

describe('blackjack over real WebSockets', () => {
  it('plays hands to the end: every card shown is the deck\'s, the transcript verifies, chips add up', async () => {
    const { wallet, room, next, bet, move: sendMove } = await sitDown();
    const start = await getJson<{ balance: number }>(`${server.url}/players/${wallet.address}/chips`);
    let net = 0;
    const moveCounts: number[] = [];
    const stake = 2_500_000; // 2.5 chips, in units: a natural pays 6.25 chips, exactly
    for (let hand = 0; hand < 6; hand++) {
      const seed = newSeed();
      const commitment = seedCommitment(seed);
      await bet(stake, commitment);
      const receipt = await next<{ drawSeq: number; commitments: string[] }>('receipt', (r) => (r['commitments'] as string[])[0] === commitment);
      room.send('reveal', { drawSeq: receipt.drawSeq, seed });
      const shown: DealMessage[] = [];
      let deal = await next<DealMessage>('deal', (d) => d['drawSeq'] === receipt.drawSeq);
      shown.push(deal);
      const moves: string[] = [];
      while (!deal.done) {
        // Before the hand ends the dealer's hand is not shown.
        expect(deal.dealer).toBeUndefined();
        const move = choose(deal);
        moves.push(move);
        await sendMove(receipt.drawSeq, deal.moveCount, move);
        // Each move is answered by one deal message, in order.
        deal = await next<DealMessage>('deal', (d) => d['drawSeq'] === receipt.drawSeq);
        shown.push(deal);
      }
      const outcome = await next<OutcomeMessage>('outcome', (o) => (o['record'] as { drawSeq: number }).drawSeq === receipt.drawSeq);
      const result = outcome.record.result as unknown as HandResult;
      // The recorded hand is the mapping's over the deck and the moves played, and every card shown was dealt from it.
      expect(result).toEqual(handResult(result.deck, { stake }, moves));
      for (const view of shown) {
        expect(view.player).toEqual(result.player.slice(0, view.player.length));
        expect(view.dealerUp).toBe(result.dealer[0]);
      }
      expect(deal.dealer).toEqual(result.dealer);
      moveCounts.push(moves.length);
      const staked = result.moves[0] === 'double' ? 2 * stake : stake;
      expect(result.payout).toBe({ natural: 6_250_000, win: 2 * staked, push: staked, lose: 0, bust: 0, 'dealer-natural': 0 }[result.outcome]);
      net += result.payout - staked;
    }
    // An illegal move is refused with a reason and the table plays on.
    await sendMove(999, 0, 'hit');
    expect((await next<{ code: string }>('error')).code).toBe('not-now');
    await bet(UNITS_PER_CHIP + 1, seedCommitment(newSeed()));
    expect((await next<{ code: string; message: string }>('error')).message).toMatch(/even/);
    await bet(MIN_STAKE_UNITS - 2, seedCommitment(newSeed()));
    expect(await next<{ code: string; message: string }>('error')).toMatchObject({ code: 'bad-bet', message: 'stake below the minimum bet of 0.01 chips' });

    const transcript = await getJson<Transcript>(`${server.url}/rooms/${room.roomId}/transcript`);
    const report = verifyTranscript(transcript, fairness);
    expect(report.records.filter((r) => r.problems.length)).toEqual([]);
    expect(report).toMatchObject({ ok: true, pendingDraws: [] });
    expect(transcript.records.filter((r) => r.type === 'move')).toHaveLength(moveCounts.reduce((a, b) => a + b, 0));
    // The auditor's CLI agrees, and refuses the transcript once a recorded move is changed.
    const file = join(mkdtempSync(join(tmpdir(), 'fairplay-bj-')), 'transcript.json');
    writeFileSync(file, JSON.stringify(transcript));
    const cli = (f: string) => main(['verify-transcript', f, '--pk', fairness.publicKey, '--signer', fairness.receiptSigner], () => undefined, () => undefined);
    expect(await cli(file)).toBe(0);
    const moved = transcript.records.findIndex((r) => r.type === 'move');
    if (moved >= 0) {
      const forged = structuredClone(transcript);
      const record = forged.records[moved]!;
      if (record.type === 'move') record.move = record.move === 'hit' ? 'stand' : 'hit';
      writeFileSync(file, JSON.stringify(forged));
      expect(await cli(file)).toBe(1);
    }
    const end = await getJson<{ balance: number }>(`${server.url}/players/${wallet.address}/chips`);
    expect(end.balance - start.balance).toBe(net);
    await room.leave();
  });

  it('a move its player did not sign as the hand\'s next one is refused as bad-authorization and not recorded', async () => {
    const table = await sitDown();
    const { room, next, sessionKey } = table;
    const drawSeq = await undecidedHand(table);
    const stranger = Wallet.createRandom();
    const sign = (signer: TypedDataSigner, moveIndex: number, move = 'stand') => signDrawMove(signer, { roomId: room.roomId, drawSeq, moveIndex, move });
    const refused = async (body: Record<string, unknown>): Promise<string> => {
      room.send('move', { drawSeq, move: 'stand', ...body });
      return (await next<{ code: string }>('error')).code;
    };
    expect(await refused({})).toBe('bad-authorization');
    expect(await refused({ authorization: await sign(stranger, 0) })).toBe('bad-authorization');
    expect(await refused({ authorization: await sign(sessionKey, 1) })).toBe('bad-authorization'); // signed for another place
    expect(await refused({ authorization: await sign(sessionKey, 0, 'hit') })).toBe('bad-authorization'); // signed for another move
    // The player's own stand, as the hand's first move: recorded.
    room.send('move', { drawSeq, move: 'stand', authorization: await sign(sessionKey, 0) });
    await next('outcome', (o) => (o['record'] as { drawSeq: number }).drawSeq === drawSeq);
    const roomId = room.roomId;
    await room.leave();
    const transcript = await closedTranscript(server.url, roomId);
    expect(verifyTranscript(transcript, fairness)).toMatchObject({ ok: true, closed: true });
    expect(transcript.records.filter((r) => r.type === 'move' && r.drawSeq === drawSeq).map((r) => r.type === 'move' && r.move)).toEqual(['stand']);
  });

  it('a hand the player walks away from is finished as a stand when the room closes, and verifies', async () => {
    const table = await sitDown();
    const { room } = table;
    // A hand that is not decided at the deal (no natural), then leave without moving.
    const drawSeq = await undecidedHand(table);
    const roomId = room.roomId;
    await room.leave();
    // The room closes once its only player left; its transcript then ends with the close record.
    const transcript = await closedTranscript(server.url, roomId);
    const report = verifyTranscript(transcript, fairness);
    expect(report.records.filter((r) => r.problems.length)).toEqual([]);
    expect(report).toMatchObject({ ok: true, closed: true });
    const outcome = transcript.records.find((r) => r.type === 'outcome' && r.drawSeq === drawSeq)!;
    expect(outcome.type === 'outcome' && (outcome.result as unknown as HandResult).moves).toEqual(['stand']);
  });

  it('a hand in play when the server is SIGKILLed is finished on restart with its recorded moves, then a stand', async () => {
    const own = await startServerProcess({ env: { MAX_MESSAGES_PER_SECOND: '200' } });
    const ownKeys = await getJson<FairnessParams>(`${own.url}/fairness`);
    const wallet = Wallet.createRandom();
    const client = new Client(own.url);
    client.auth.token = await signInToken(own.url, wallet);
    const room = await client.create(blackjack.id);
    const next = inbox(room);
    const bet = better(room, wallet); // a sign-in without a session key: the wallet signs its hands (and moves) itself
    const sendMove = async (d: number, moveIndex: number, m: string): Promise<void> =>
      room.send('move', { drawSeq: d, move: m, authorization: await signDrawMove(wallet, { roomId: room.roomId, drawSeq: d, moveIndex, move: m }) });
    const before = (await getJson<{ balance: number }>(`${own.url}/players/${wallet.address}/chips`)).balance;
    // A hand still open after one hit (not decided at the deal, and the hit leaves it open).
    let drawSeq = -1;
    let staked = 0;
    let paid = 0;
    for (;;) {
      const seed = newSeed();
      const commitment = seedCommitment(seed);
      await bet(40_000, commitment);
      drawSeq = (await next<{ drawSeq: number }>('receipt', (r) => (r['commitments'] as string[])[0] === commitment)).drawSeq;
      staked += 40_000;
      room.send('reveal', { drawSeq, seed });
      let deal = await next<DealMessage>('deal', (d) => d['drawSeq'] === drawSeq);
      if (!deal.done) {
        await sendMove(drawSeq, deal.moveCount, 'hit');
        deal = await next<DealMessage>('deal', (d) => d['drawSeq'] === drawSeq);
        if (!deal.done) break;
        await sendMove(999, 0, 'hit'); // any answer: the hit's effects are applied by then
      }
      const outcome = await next<OutcomeMessage>('outcome', (o) => (o['record'] as { drawSeq: number }).drawSeq === drawSeq);
      paid += (outcome.record.result as unknown as HandResult).payout;
    }
    await own.stop('SIGKILL');
    const again = await startServerProcess({ dataDir: own.dataDir, port: own.port });
    try {
      const transcript = await getJson<Transcript>(`${again.url}/rooms/${room.roomId}/transcript`);
      const report = verifyTranscript(transcript, ownKeys);
      expect(report.records.filter((r) => r.problems.length)).toEqual([]);
      expect(report).toMatchObject({ ok: true, closed: true });
      const outcome = transcript.records.find((r) => r.type === 'outcome' && r.drawSeq === drawSeq);
      const result = outcome?.type === 'outcome' ? (outcome.result as unknown as HandResult) : undefined;
      expect(result?.moves).toEqual(['hit', 'stand']);
      const after = (await getJson<{ balance: number }>(`${again.url}/players/${wallet.address}/chips`)).balance;
      expect(after - before).toBe(paid + result!.payout - staked);
    } finally {
      await again.stop();
    }
  });
});
