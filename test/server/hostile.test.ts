/**
 * Hostile input against the real server, beside the dice attacks of attacks.test.ts: bad and
 * out-of-order raid messages, a player trying to outrun the published speed, a burst of 1,000
 * joins, and slow-loris HTTP clients. Each time the attacker is refused or cut off with a reason,
 * and an honest player sees no effect.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RAID_SPEED } from '../../games/raid/rules.ts';
import { verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { getJson, signInToken, TestPlayer, type FairnessParams } from '../helpers/player.ts';
import { Raider } from '../helpers/raider.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { Client } from '@colyseus/sdk';
import { UNITS_PER_CHIP } from '../../games/chips.ts';

let server: ServerProcess;
let fairness: FairnessParams;
beforeAll(async () => {
  // A thousand sign-ins from this one address are outstanding at once before the burst.
  // Seats held 60 s, not Colyseus' 15: on a busy 2-core machine the burst's last sockets came more
  // than 15 s after their seats were reserved, and a seat that expires is refused ("seat reservation
  // expired.", sent before the socket is closed with 4002) in a way the 0.18 SDK reports with an
  // empty message, which this test cannot tell from a refusal without a reason.
  server = await startServerProcess({
    env: { MAX_MESSAGES_PER_SECOND: '1000', RAID_ROUND_SECONDS: '120', HTTP_HEADERS_TIMEOUT_SECONDS: '2', SIWE_NONCES_PER_CLIENT: '2000', COLYSEUS_SEAT_RESERVATION_TIME: '60' },
  });
  fairness = await getJson<FairnessParams>(`${server.url}/fairness`);
});
afterAll(async () => {
  await server?.stop();
});

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
    let patches = 0;
    runner.room.onStateChange(() => patches++);
    const t0 = Date.now();
    for (let i = 0; i < 300; i++) runner.room.send('move', { dx: i % 2 ? 1 : -1, dy: i % 3 ? 1 : -1 });
    runner.room.send('move', { dx: 1, dy: 1 });
    // A client's messages are handled in order: once this one is refused, the whole flood was handled.
    runner.room.send('move', { dx: 'done' });
    await runner.until('the refusal after the flood', () => errorsOf(runner).includes('bad-message'));
    // Then two more patches, so that the position seen includes ticks after the flood.
    const seen = patches;
    await runner.until('two patches after the flood', () => patches >= seen + 2);
    const end = runner.me()!;
    const elapsed = (Date.now() - t0) / 1000;
    // Not a speed claim about the server: however slowly it ran, no tick moves a player further than the published speed allows.
    expect(Math.hypot(end.x - start.x, end.y - start.y)).toBeLessThanOrEqual(RAID_SPEED * (elapsed + 0.1));
    await runner.room.leave();
  });
});

describe('bursts and slow clients', () => {
  it('1,000 joins in a burst: each answered (seat or clear refusal), each refused one seated when it tries again, the server stays responsive, a player mid-game is unaffected', { timeout: 180_000 }, async () => {
    // Wallets from random private keys, not Wallet.createRandom(): that derives a BIP-39 mnemonic and an
    // HD path for each, seconds of blocked event loop for 1,000, during which the server closed the
    // pooled keep-alive connections and the next fetches failed with "other side closed"
    // (test/repro/keep-alive-race.ts).
    const wallets = Array.from({ length: 1000 }, () => new Wallet('0x' + randomBytes(32).toString('hex')));
    // Signed in a hundred at a time: 1,000 signatures at once would block the test's event loop the same way.
    const tokens: string[] = [];
    for (let i = 0; i < wallets.length; i += 100) tokens.push(...(await Promise.all(wallets.slice(i, i + 100).map((w) => signInToken(server.url, w)))));
    const honest = await TestPlayer.join(server.url);
    const clients = wallets.map((w, i) => {
      const c = new Client(server.url);
      c.auth.token = tokens[i]!;
      return c;
    });
    const burst = Promise.allSettled(clients.map((c) => c.joinOrCreate('dice')));
    // While the burst lands, the honest player bets and reveals and the server answers HTTP. How fast
    // is for the bench (npm run bench -- --only dice); here it must be answered at all, and right.
    const { receipt, seed } = await honest.bet({ stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
    const outcome = await honest.reveal(receipt.drawSeq, seed);
    expect(outcome.record.drawSeq).toBe(receipt.drawSeq);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const results = await burst;
    const joined = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ leave(): Promise<unknown> }>).value);
    // A refusal is the server's message; a socket closed before the join completed, its close
    // code; a socket error, an Error with neither (the SDK passes a WebSocket error event on
    // without its text). On a machine at load 20 (2026-12-02) the burst met all three, and
    // "fetch failed" from the seat request. Each must be an Error, and each is tallied below;
    // what must hold for all of them is that the refusal does not last (the retries below).
    const refused = results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map(({ reason: e }: { reason: unknown }) => {
        if (!(e instanceof Error)) return '';
        const code = (e as { code?: unknown }).code;
        return e.message || (typeof code === 'number' ? `closed with code ${code}` : 'socket error, no reason given');
      });
    const tally = new Map<string, number>();
    for (const reason of refused) tally.set(reason, (tally.get(reason) ?? 0) + 1);
    console.log(`burst of 1,000 joins: ${joined.length} seated; refusals: ${[...tally].map(([r, n]) => `${n} × ${JSON.stringify(r)}`).join(', ') || 'none'}`);
    expect(joined.length + refused.length).toBe(1000);
    for (const reason of refused) expect(reason).not.toBe('');
    // How many the burst seats depends on how busy the machine is (that is the bench's to
    // measure); what must hold is that a refusal is not lasting: each refused player, signing in
    // again after the burst, is seated.
    const refusedWallets = wallets.filter((_, i) => results[i]!.status === 'rejected');
    for (let i = 0; i < refusedWallets.length; i += 50) {
      const retried = await Promise.all(
        refusedWallets.slice(i, i + 50).map(async (w) => {
          const c = new Client(server.url);
          c.auth.token = await signInToken(server.url, w);
          return c.joinOrCreate('dice');
        }),
      );
      joined.push(...retried);
    }
    expect(joined.length).toBe(1000);
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
    // The leave reaches the room after the close frame: until then the cap still refuses.
    const again = await waitFor(() => join('raid').catch((e: Error) => (/seat-cap/.test(e.message) ? undefined : Promise.reject(e))), {
      what: 'a seat freed by the leave',
      timeout: 20_000,
    });
    await Promise.all([...seated, again].map((room) => room.leave()));
  });

  it('slow-loris: connections that dribble their headers are closed; an honest request is served meanwhile', { timeout: 60_000 }, async () => {
    const slow: Socket[] = [];
    const answers: string[] = [];
    let closed = 0;
    for (let i = 0; i < 100; i++) {
      const s = connect(server.port, '127.0.0.1');
      slow.push(s);
      s.on('error', () => undefined);
      answers[i] = '';
      s.on('data', (d: Buffer) => (answers[i] += d.toString('latin1')));
      s.once('close', () => closed++);
      s.write('GET /health HTTP/1.1\r\nHost: localhost\r\n');
    }
    // Each keeps sending header lines, so none is ever idle: only the headers timeout can end them.
    const drip = setInterval(() => slow.forEach((s) => s.writable && s.write(`X-Slow-${Date.now()}: 1\r\n`)), 500);
    try {
      // Served while the slow connections hang on (how fast is no claim of this test).
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      // HTTP_HEADERS_TIMEOUT_SECONDS=2, checked every second. Node's own defaults would hold them 60 s
      // and more: the bound tells the two apart with room to spare on a busy machine.
      await waitFor(() => closed === slow.length, {
        what: 'the server to close 100 connections dribbling their headers (HTTP_HEADERS_TIMEOUT_SECONDS=2)',
        timeout: 30_000,
      });
      // Each was told why, as Node does when a request times out.
      for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    } finally {
      clearInterval(drip);
      slow.forEach((s) => s.destroy());
    }
  });
});
