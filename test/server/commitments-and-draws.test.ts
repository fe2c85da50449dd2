/**
 * Used commitments and players' draws, one server process over real WebSockets, on SQLite and on
 * PostgreSQL: a seed commitment used in one room is refused in another (dice, blackjack, a raid
 * chest draw) and after restarts (SIGKILL, then SIGTERM with the indexes' tables emptied), with the stake untouched
 * and the room playing on; `GET /players/:address/draws` lists a player's draws across rooms and
 * games, page by page, with their ends as outcome and void records come, and nobody else's,
 * before and after the restarts; malformed requests get a 400 with the reason. A damaged SQLite
 * file stops the start, naming the file and the reason.
 */
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQLITE_FILE } from '../../server/db/database.ts';
import { Client, type Room } from '@colyseus/sdk';
import { Wallet, type HDNodeWallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { CHESTS_PER_ROUND } from '../../games/raid/rules.ts';
import { signDrawMove } from '../../vrf/protocol/authorization.ts';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import { BACKENDS, testDatabases } from '../helpers/databases.ts';
import { authorize, closedTranscript, getJson, playerDraws, sessionSignIn, TestPlayer, type ListedDraw } from '../helpers/player.ts';
import { Raider } from '../helpers/raider.ts';
import { startServerProcess, tempDataDir, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ENV = { MAX_MESSAGES_PER_SECOND: '200' };
const BET = { stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' } as const;

type Page = { address: string; draws: ListedDraw[]; next: string | null };

const chips = async (url: string, address: string): Promise<number> => (await getJson<{ balance: number }>(`${url}/players/${address}/chips`)).balance;

/** A blackjack table for `wallet`: bets on a given commitment, hands played to a stand. */
async function blackjackTable(url: string, wallet: HDNodeWallet) {
  const client = new Client(url);
  const { token, sessionKey } = await sessionSignIn(url, wallet);
  client.auth.token = token;
  const room: Room = await client.create('blackjack');
  room.reconnection.enabled = false; // the server is killed under it below
  const inbox: { type: string; body: any }[] = [];
  for (const type of ['receipt', 'deal', 'move', 'outcome', 'void', 'error']) room.onMessage(type, (body) => inbox.push({ type, body }));
  const next = (type: string, pred: (b: any) => boolean = () => true): Promise<any> =>
    waitFor(
      () => {
        const i = inbox.findIndex((m) => m.type === type && pred(m.body));
        return i >= 0 && inbox.splice(i, 1)[0]!.body;
      },
      { what: `a "${type}" message in blackjack room ${room.roomId}`, interval: 20 },
    );
  const bet = async (commitment: string) => room.send('bet', { stake: 10 * UNITS_PER_CHIP, commitment, authorization: await authorize(sessionKey, room.roomId, 'blackjack', 'hand', { stake: 10 * UNITS_PER_CHIP }, commitment) });
  return {
    room,
    next,
    bet,
    /** A hand on `seed`, played to a stand; its receipt. */
    async play(seed: string): Promise<{ drawSeq: number; seq: number; hash: string }> {
      const commitment = seedCommitment(seed);
      await bet(commitment);
      const receipt = await next('receipt', (r) => r.commitments[0] === commitment);
      room.send('reveal', { drawSeq: receipt.drawSeq, seed });
      for (let deal = await next('deal', (d) => d.drawSeq === receipt.drawSeq); !deal.done; deal = await next('deal', (d) => d.drawSeq === receipt.drawSeq)) {
        const move = { roomId: room.roomId, drawSeq: receipt.drawSeq, moveIndex: deal.moveCount, move: 'stand' };
        room.send('move', { drawSeq: receipt.drawSeq, move: 'stand', authorization: await signDrawMove(sessionKey, move) });
      }
      await next('outcome', (o) => o.record.drawSeq === receipt.drawSeq);
      return receipt;
    },
  };
}

/** The record at `seq` of the room's transcript, fetched the way an auditor would from a listed draw. */
async function recordAt(url: string, roomId: string, seq: number): Promise<{ hash: string; type: string; drawSeq: number }> {
  const page = await getJson<Transcript>(`${url}/rooms/${roomId}/transcript?from=${seq}&limit=1`);
  return page.records[0]!;
}

/** Each listed draw's receipt and end are where the listing says, in the room's transcript. */
async function expectFoundInTranscripts(url: string, draws: readonly ListedDraw[]): Promise<void> {
  for (const d of draws) {
    expect(await recordAt(url, d.roomId, d.receiptSeq)).toMatchObject({ type: 'receipt', drawSeq: d.drawSeq, hash: d.receiptHash });
    if (d.status !== 'open') expect(await recordAt(url, d.roomId, d.endSeq!)).toMatchObject({ type: d.status === 'void' ? 'void' : 'outcome', drawSeq: d.drawSeq, hash: d.endHash });
  }
}

describe.each(BACKENDS)('used commitments and players\' draws, one process on %s', (backend) => {
  const databases = testDatabases(backend);

  it('refuses a used commitment in any room and after restarts, and lists a player\'s draws throughout', { timeout: timeoutWithStarts(3, 180_000) }, async () => {
    const place = await databases.fresh();
    const env = { ...ENV, ...databases.env(place) };
    let server: ServerProcess = await startServerProcess({ dataDir: place.dataDir, env });
    try {
      const wallet = Wallet.createRandom();
      const me = wallet.address;

      // Dice: a settled roll on `used`, and a roll left unrevealed (voided when the room closes).
      const dice = await TestPlayer.join(server.url, { wallet, create: true });
      const usedSeed = newSeed();
      const used = seedCommitment(usedSeed);
      const first = await dice.betOn(used);
      await dice.reveal(first.receipt!.drawSeq, usedSeed);
      const { receipt: unrevealed } = await dice.bet(BET);
      // Another player at the same table: not among my draws.
      const other = await TestPlayer.join(server.url, { roomId: dice.room.roomId });
      const { receipt: theirs, seed: theirSeed } = await other.bet(BET);
      await other.reveal(theirs.drawSeq, theirSeed);
      // The same commitment again, at the same table: refused, nothing taken.
      const before = await chips(server.url, me);
      expect((await dice.betOn(used)).error).toMatchObject({ code: 'commitment-used', commitment: used, message: expect.stringContaining(used) });

      // Blackjack, another room: the used commitment refused with the stake untouched and no
      // record written; then the table plays a hand.
      const table = await blackjackTable(server.url, wallet);
      await table.bet(used);
      expect(await table.next('error')).toMatchObject({ code: 'commitment-used', commitment: used });
      expect(await chips(server.url, me)).toBe(before);
      expect((await getJson<Transcript>(`${server.url}/rooms/${table.room.roomId}/transcript`)).records).toEqual([]);
      const hand = await table.play(newSeed());

      const mine = await playerDraws(server.url, me);
      expect(mine.map((d) => [d.roomId, d.drawSeq, d.game, d.kind, d.status])).toEqual([
        [dice.room.roomId, first.receipt!.drawSeq, 'dice', 'roll', 'settled'],
        [dice.room.roomId, unrevealed.drawSeq, 'dice', 'roll', 'open'],
        [table.room.roomId, hand.drawSeq, 'blackjack', 'hand', 'settled'],
      ]);
      expect(mine[2]).toMatchObject({ receiptSeq: hand.seq, receiptHash: hand.hash });
      await expectFoundInTranscripts(server.url, mine);
      expect((await playerDraws(server.url, other.address.toLowerCase(), 1)).map((d) => [d.roomId, d.drawSeq])).toEqual([[dice.room.roomId, theirs.drawSeq]]);
      // The address in any case; one page of them all.
      const all = await getJson<Page>(`${server.url}/players/${me.toUpperCase().replace('0X', '0x')}/draws`);
      expect(all).toMatchObject({ draws: mine, next: null });

      // The dice room closes: the unrevealed roll is voided, and its status follows.
      await Promise.all([dice.room.leave(), other.room.leave()]);
      await closedTranscript(server.url, dice.room.roomId);
      const voided = await waitFor(async () => (await playerDraws(server.url, me)).find((d) => d.drawSeq === unrevealed.drawSeq && d.roomId === dice.room.roomId && d.status === 'void'), {
        what: 'the unrevealed roll to be listed void',
      });
      await expectFoundInTranscripts(server.url, [voided]);

      // A raid chest draw: the player who commits to a used commitment is left out (and told),
      // the draw goes on with the others.
      const raidClient = new Client(server.url);
      const raidSession = await sessionSignIn(server.url, wallet);
      raidClient.auth.token = raidSession.token;
      const raidRoom = await raidClient.create('raid');
      const raidErrors: { code: string; commitment?: string }[] = [];
      raidRoom.onMessage('error', (e) => raidErrors.push(e));
      raidRoom.onMessage('commit-request', async ({ round }: { round: number }) =>
        raidRoom.send('commit', { round, commitment: used, authorization: await authorize(raidSession.sessionKey, raidRoom.roomId, 'raid', 'chests', { round, count: CHESTS_PER_ROUND }, used) }),
      );
      for (const type of ['receipt', 'outcome', 'void']) raidRoom.onMessage(type, () => undefined);
      const raider = await Raider.join(server.url, raidRoom.roomId);
      const chests = await raider.until('the chest draw', () => raider.messages.find((m) => m.type === 'receipt' && m.body.kind === 'chests')?.body);
      expect(chests.players).toEqual([raider.address]);
      expect(raidErrors).toContainEqual(expect.objectContaining({ code: 'commitment-used', commitment: used }));
      await raider.until('the chest draw\'s outcome', () => raider.messages.some((m) => m.type === 'outcome' && m.body.record.drawSeq === chests.drawSeq));
      await Promise.all([raider.room.leave(), raidRoom.leave()]);

      // A hand left unrevealed, then the server is killed: recovery voids it.
      const killedSeed = newSeed();
      await table.bet(seedCommitment(killedSeed));
      const inFlight = await table.next('receipt', (r) => r.commitments[0] === seedCommitment(killedSeed));
      expect(await server.stop('SIGKILL')).toBe(null);
      server = await startServerProcess({ dataDir: server.dataDir, port: server.port, env });

      const afterKill = await playerDraws(server.url, me, 3);
      expect(afterKill.slice(0, 3)).toEqual([mine[0], { ...mine[1], ...voided }, mine[2]]);
      expect(afterKill.slice(3).map((d) => [d.roomId, d.drawSeq, d.game, d.status])).toEqual([[table.room.roomId, inFlight.drawSeq, 'blackjack', 'void']]);
      await expectFoundInTranscripts(server.url, afterKill);

      // Both commitments stay used: the one revealed, and the one of the receipt the kill cut short.
      const again = await TestPlayer.join(server.url, { wallet, create: true });
      const stake = await chips(server.url, me);
      for (const c of [used, seedCommitment(killedSeed)]) expect((await again.betOn(c)).error).toMatchObject({ code: 'commitment-used', commitment: c });
      expect(await chips(server.url, me)).toBe(stake);
      const fresh = await again.bet(BET);
      await again.reveal(fresh.receipt.drawSeq, fresh.seed);
      const beforeRebuild = await playerDraws(server.url, me, 100);
      expect(beforeRebuild).toHaveLength(5);

      // Stopped cleanly, the indexes lost (their tables emptied, the transcripts kept): the next
      // start reads every filed room once and serves the same draws, refusing the same commitments.
      await again.room.leave();
      await waitFor(async () => (await playerDraws(server.url, me, 100)).every((d) => d.status !== 'open'), { what: 'every draw of mine to end' });
      const ended = await playerDraws(server.url, me, 100);
      expect(await server.stop('SIGTERM')).toBe(0);
      const database = await databases.open(place);
      for (const table of ['draw_players', 'draws', 'used_commitments', 'indexed_rooms'] as const) await database.db.deleteFrom(table).execute();
      await database.close();
      server = await startServerProcess({ dataDir: server.dataDir, port: server.port, env });
      expect(server.logs.join('')).toMatch(/indexed transcripts the indexes lacked/);
      expect(await playerDraws(server.url, me, 2)).toEqual(ended);
      const last = await TestPlayer.join(server.url, { wallet, create: true });
      expect((await last.betOn(used)).error).toMatchObject({ code: 'commitment-used' });
      await last.room.leave();
    } finally {
      await server.stop();
    }
  });

  it('answers a malformed request with a 400 and the reason', { timeout: timeoutWithStarts(1, 30_000) }, async () => {
    const place = await databases.fresh();
    const server = await startServerProcess({ dataDir: place.dataDir, env: { ...ENV, ...databases.env(place) } });
    try {
      const address = Wallet.createRandom().address;
      for (const [path, reason] of [
        ['/players/0x1234/draws', /address must be 0x and 40 hex digits/],
        ['/players/not-an-address/draws', /address/],
        [`/players/${address}/draws?limit=0`, /limit/],
        [`/players/${address}/draws?limit=1001`, /limit/],
        [`/players/${address}/draws?limit=ten`, /limit/],
        [`/players/${address}/draws?after=abc`, /after: a cursor from the previous page/],
        [`/players/${address}/draws?after=-1`, /after/],
        [`/players/${address}/draws?game=dice`, /game|unrecognized/i],
      ] as const) {
        const res = await fetch(`${server.url}${path}`);
        expect(res.status, path).toBe(400);
        expect(((await res.json()) as { error: string }).error, path).toMatch(reason);
      }
      expect(await getJson<Page>(`${server.url}/players/${address}/draws`)).toEqual({ address, draws: [], next: null });
      expect(await getJson<Page>(`${server.url}/players/${address}/draws?limit=1000&after=5`)).toEqual({ address, draws: [], next: null });
    } finally {
      await server.stop();
    }
  });
});

describe('a damaged SQLite database', () => {
  it('stops the server at start, naming the file and the reason', { timeout: timeoutWithStarts(1, 10_000) }, async () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, SQLITE_FILE), 'not a database, '.repeat(400));
    const started = startServerProcess({ dataDir, env: ENV });
    await expect(started).rejects.toThrow(/server exited before listening/);
    const message = ((await started.catch((e: Error) => e)) as Error).message;
    expect(message).toContain(`cannot open the database ${join(dataDir, SQLITE_FILE)}: file is not a database (SQLITE_NOTADB)`);
    expect(message).toMatch(/fairplay failed to start/);
  });
});
