/**
 * Hostile input against the real server, beside the dice attacks of attacks.test.ts: bad and
 * out-of-order raid messages, a player trying to outrun the published speed, a burst of 1,000
 * joins, and slow-loris HTTP clients. Each time the attacker is refused or cut off with a reason,
 * and an honest player sees no effect.
 */
import { connect, type Socket } from 'node:net';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RAID_SPEED } from '../../games/raid/rules.ts';
import { verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { getJson, signInToken, TestPlayer, type FairnessParams } from '../helpers/player.ts';
import { Raider } from '../helpers/raider.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { Client } from '@colyseus/sdk';

let server: ServerProcess;
let fairness: FairnessParams;
beforeAll(async () => {
  server = await startServerProcess({ env: { MAX_MESSAGES_PER_SECOND: '1000', RAID_ROUND_SECONDS: '120', HTTP_HEADERS_TIMEOUT_SECONDS: '2' } });
  fairness = await getJson<FairnessParams>(`${server.url}/fairness`);
});
afterAll(async () => {
  await server?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const errorsOf = (r: Raider) => r.messages.filter((m) => m.type === 'error').map((m) => m.body.code as string);

describe('hostile raid players', () => {
  it('bad, unknown and out-of-order messages are refused with a reason; the room and the honest player go on', async () => {
    const attacker = await Raider.join(server.url);
    const honest = await Raider.join(server.url, attacker.room.roomId);
    await honest.until('playing', () => honest.state.phase === 'playing');
    const sent: [string, unknown][] = [
      ['move', { dx: 'fast', dy: 0 }],
      ['move', { dx: 50, dy: 0 }],
      ['move', null],
      ['commit', { round: honest.state.round, commitment: 'zz' }],
      ['commit', { round: honest.state.round, commitment: 'ab'.repeat(32) }], // not during placing
      ['open', { chest: 99, commitment: 'ab'.repeat(32) }],
      ['open', { chest: -1 }],
      ['reveal', { drawSeq: 999, seed: 'ab'.repeat(32) }], // a reveal before any commitment
      ['reveal', { drawSeq: 0, seed: 'ab'.repeat(32) }], // a replayed reveal of a settled draw
      ['teleport', { x: 3, y: 3 }],
    ];
    for (const [type, body] of sent) attacker.room.send(type, body);
    await attacker.until('every refusal', () => errorsOf(attacker).length >= sent.length);
    // Reveals are answered after a journal lookup, so their refusals may come later: compare as sets of counts.
    expect(errorsOf(attacker).sort()).toEqual([
      'bad-message',
      'bad-message',
      'bad-message',
      'bad-message',
      'not-now',
      'not-now',
      'bad-message',
      'reveal-unknown-draw',
      'reveal-unknown-draw',
      'unknown-message',
    ].sort());
    // The honest player still plays: it walks, opens a chest, and the loot verifies.
    const me = honest.me()!;
    const chest = [...honest.state.chests].sort((p, q) => Math.hypot(p.x - me.x, p.y - me.y) - Math.hypot(q.x - me.x, q.y - me.y))[0]!;
    await honest.walkTo(chest.x, chest.y);
    honest.open(chest.id);
    await honest.until('the loot', () => honest.messages.find((m) => m.type === 'outcome' && m.body.record.result.item));
    expect(errorsOf(honest)).toEqual([]);
    const transcript = await getJson<Transcript>(`${server.url}/rooms/${honest.room.roomId}/transcript`);
    expect(verifyTranscript(transcript, fairness).ok).toBe(true);
    await Promise.all([attacker.room.leave(), honest.room.leave()]);
  });

  it('a flood of moves does not outrun the published speed', async () => {
    const runner = await Raider.join(server.url);
    await runner.until('my position', () => runner.me());
    const start = { ...runner.me()! };
    const t0 = Date.now();
    for (let i = 0; i < 300; i++) runner.room.send('move', { dx: i % 2 ? 1 : -1, dy: i % 3 ? 1 : -1 });
    runner.room.send('move', { dx: 1, dy: 1 });
    await sleep(1000);
    const end = runner.me()!;
    const elapsed = (Date.now() - t0) / 1000;
    expect(Math.hypot(end.x - start.x, end.y - start.y)).toBeLessThanOrEqual(RAID_SPEED * (elapsed + 0.1));
    await runner.room.leave();
  });
});

describe('bursts and slow clients', () => {
  it('1,000 joins in a burst: each answered (seat or clear refusal), the server stays responsive, a player mid-game is unaffected', { timeout: 120_000 }, async () => {
    const honest = await TestPlayer.join(server.url);
    const wallets = Array.from({ length: 1000 }, () => Wallet.createRandom());
    const tokens = await Promise.all(wallets.map((w) => signInToken(server.url, w)));
    const tokenOf = new Map(wallets.map((w, i) => [w.address, tokens[i]!]));
    const clients = wallets.map((w) => {
      const c = new Client(server.url);
      c.auth.token = tokenOf.get(w.address)!;
      return c;
    });
    const burst = Promise.allSettled(clients.map((c) => c.joinOrCreate('dice')));
    // While the burst lands, the honest player bets and the server answers HTTP.
    const t0 = Date.now();
    const { receipt, seed } = await honest.bet({ stake: 10, target: 5000, direction: 'under' });
    const outcome = await honest.reveal(receipt.drawSeq, seed);
    expect(outcome.record.drawSeq).toBe(receipt.drawSeq);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const honestMs = Date.now() - t0;
    const results = await burst;
    const joined = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ leave(): Promise<unknown> }>).value);
    const refused = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason?.message ?? r));
    expect(joined.length + refused.length).toBe(1000);
    for (const reason of refused) expect(reason).not.toBe('');
    expect(joined.length).toBeGreaterThan(900);
    expect(honestMs).toBeLessThan(15_000);
    // A token is single-use: replaying one of the burst's tokens is refused with the reason.
    const replay = new Client(server.url);
    replay.auth.token = tokens[0]!;
    await expect(replay.joinOrCreate('dice')).rejects.toThrow(/nonce/);
    await Promise.all(joined.map((room) => room.leave()));
    await honest.room.leave();
  });

  it('one address holds at most MAX_SEATS_PER_ADDRESS seats (4): the next join is refused with the reason, a leave frees one', async () => {
    const wallet = Wallet.createRandom();
    const join = async (game: 'dice' | 'raid') => {
      const c = new Client(server.url);
      c.auth.token = await signInToken(server.url, wallet);
      return c.create(game);
    };
    const seated = [await join('dice'), await join('raid'), await join('raid'), await join('dice')];
    await expect(join('raid')).rejects.toThrow(/seat refused \(seat-cap\): this address already sits in 4 rooms/);
    await expect(join('dice')).rejects.toThrow(/seat-cap/);
    // Another player is not affected by this one's cap.
    const other = await TestPlayer.join(server.url);
    await other.room.leave();
    await seated.pop()!.leave();
    await new Promise((r) => setTimeout(r, 200)); // the leave reaches the room after the close frame
    const again = await join('raid');
    await Promise.all([...seated, again].map((room) => room.leave()));
  });

  it('slow-loris: connections that dribble their headers are closed; an honest request is served meanwhile', async () => {
    const slow: Socket[] = [];
    const closed: Promise<number>[] = [];
    const t0 = Date.now();
    for (let i = 0; i < 100; i++) {
      const s = connect(server.port, '127.0.0.1');
      slow.push(s);
      s.on('error', () => undefined);
      closed.push(new Promise((resolve) => s.once('close', () => resolve(Date.now() - t0))));
      s.write('GET /health HTTP/1.1\r\nHost: localhost\r\n');
    }
    const drip = setInterval(() => slow.forEach((s) => s.writable && s.write(`X-Slow-${Date.now()}: 1\r\n`)), 500);
    try {
      const started = Date.now();
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000);
      const closedAfter = await Promise.all(closed);
      // HTTP_HEADERS_TIMEOUT_SECONDS=2, checked every second.
      expect(Math.max(...closedAfter)).toBeLessThan(6000);
    } finally {
      clearInterval(drip);
      slow.forEach((s) => s.destroy());
    }
  });
});
