/**
 * The server stopped mid-session, cleanly (SIGTERM) or not (SIGKILL), and started again on the
 * same data directory: same keys, every transcript served and verifiable with nothing left
 * pending, every receipted stake either settled or refunded, and not a chip created or lost.
 * The SIGKILL test's random choices (stakes, which bets to reveal, when to kill) are seeded:
 * it prints TEST_SEED=<n>, and TEST_SEED=<n> replays them.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import { freePort, startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { Gambler, type Bet } from '../helpers/gambler.ts';
import { getJson, type FairnessParams } from '../helpers/player.ts';
import { chipDeltas, chipsOf, expectSettled, fairnessOf } from '../helpers/dice-ledger.ts';
import { seededRandom } from '../helpers/seed.ts';
import { BACKENDS, testDatabases } from '../helpers/databases.ts';
import { openRoomIds } from '../helpers/rooms-db.ts';
import { journalRoomLog } from '../helpers/journal-room-log.ts';
import { diceDraw, openRoom } from '../fairness/room-fixture.ts';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { elapse, waitFor } from '../helpers/wait-for.ts';
import { MIN_STAKE_UNITS, UNITS_PER_CHIP } from '../../games/chips.ts';
import { awardId, type Award } from '../../server/awards/award-sink.ts';

/** The default STARTING_UNITS, in units as balances are. */
const STARTING_UNITS = 1000 * UNITS_PER_CHIP;
const C = UNITS_PER_CHIP;
// The clients below bet as fast as the server answers; the rate limit has its own test.
const ENV = { MAX_MESSAGES_PER_SECOND: '10000' };


/** Bytes the SDK handed its WebSocket that are not yet written to the socket. */
const unsent = (g: Gambler): number => (g.room.connection.transport as unknown as { ws: { bufferedAmount: number } }).ws.bufferedAmount;

/** Nothing answers on the port any more: the server itself is dead, not just a wrapper of it. */
async function expectDown(server: ServerProcess): Promise<void> {
  const answered = await fetch(`${server.url}/health`).then(() => true, () => false);
  expect(answered, 'a server still answers after the kill').toBe(false);
}

describe.each(BACKENDS)('restart, chips in %s', (backend) => {
  const dbs = testDatabases(backend);
  /** A fresh data directory and database, and the server's environment for them. */
  const place = async () => {
    const p = await dbs.fresh();
    return { dataDir: p.dataDir, env: { ...ENV, ...dbs.env(p) } as Record<string, string> };
  };

  it('imports the chip journal of the version before the database at start, once, even with a damaged line', { timeout: timeoutWithStarts(2, 60_000) }, async () => {
    const { dataDir, env } = await place();
    const [a, b] = [Wallet.createRandom().address, Wallet.createRandom().address];
    const lines = [
      { ref: `grant/${a.toLowerCase()}`, address: a, delta: STARTING_UNITS, reason: 'grant' },
      { ref: 'old/0/stake', address: a, delta: -10 * C, reason: 'stake' },
      { ref: 'old/0/payout', address: a, delta: 19_800_000, reason: 'payout' },
      { ref: `grant/${b.toLowerCase()}`, address: b, delta: STARTING_UNITS, reason: 'grant' },
      { ref: 'old/1/stake', address: b, delta: -3 * C, reason: 'stake' },
    ].map((e) => JSON.stringify(e));
    mkdirSync(dataDir, { recursive: true });
    // Cut short by a crash of the old version: the last line is half written.
    writeFileSync(join(dataDir, 'chips.jsonl'), lines.join('\n') + '\n{"ref":"old/1/pay');
    const expected = { [a]: STARTING_UNITS + 9_800_000, [b]: STARTING_UNITS - 3 * C };
    let server = await startServerProcess({ dataDir, env });
    try {
      for (const [address, units] of Object.entries(expected)) expect(await chipsOf(server, address)).toBe(units);
      expect(existsSync(join(dataDir, 'chips.jsonl'))).toBe(false);
      expect(existsSync(join(dataDir, 'chips.jsonl.imported'))).toBe(true);
      expect(await server.stop('SIGTERM')).toBe(0);
      // The old file put back (a restore by hand): importing it again changes nothing.
      writeFileSync(join(dataDir, 'chips.jsonl'), lines.join('\n') + '\n');
      server = await startServerProcess({ dataDir, port: server.port, env });
      for (const [address, units] of Object.entries(expected)) expect(await chipsOf(server, address)).toBe(units);
    } finally {
      await server.stop();
    }
  });

  it('imports the award journals and mint log of the version before the database at start, once: the awards are minted once', { timeout: timeoutWithStarts(2, 90_000) }, async () => {
    const { dataDir, env } = await place();
    const player = Wallet.createRandom().address;
    const award = (i: number): Award => {
      const source = { roomId: 'old-room', drawSeq: i, recordSeq: 2 * i + 1, recordHash: String(i).padStart(64, '0') };
      return { awardId: awardId(source, 0), player, tokenId: 1, amount: 3 + i, source };
    };
    const own = [award(0), award(1)].map((a) => JSON.stringify(a)).join('\n') + '\n';
    const peer = JSON.stringify(award(2)) + '\n';
    // A mint log of another deployment: imported, and no award counts as minted by it here.
    const mints = JSON.stringify({ kind: 'confirmed', contract: '0x' + 'de'.repeat(20), hash: '0x' + '11'.repeat(32), blockNumber: 1, blockHash: '0x' + '22'.repeat(32), awardIds: [award(0).awardId] }) + '\n';
    mkdirSync(join(dataDir, 'nodes', 'x'), { recursive: true });
    // Cut short by a crash of the old version: the last line is half written.
    writeFileSync(join(dataDir, 'awards.jsonl'), own + '{"awardId":"ab');
    writeFileSync(join(dataDir, 'nodes', 'x', 'awards.jsonl'), peer);
    writeFileSync(join(dataDir, 'mints.jsonl'), mints);
    type Answer = { awards: { awardId: string; status: string }[]; balances: Record<string, string> | null };
    const allMinted = (server: ServerProcess) =>
      waitFor(
        async () => {
          const answer = await getJson<Answer>(`${server.url}/players/${player}/awards`);
          return answer.awards.length === 3 && answer.awards.every((a) => a.status === 'minted') && answer;
        },
        { what: 'the three imported awards minted', timeout: 60_000, interval: 100 },
      );
    let server = await startServerProcess({ dataDir, env });
    try {
      const first = await allMinted(server);
      expect(first.awards.map((a) => a.awardId).sort()).toEqual([0, 1, 2].map((i) => award(i).awardId).sort());
      expect(first.balances?.['1']).toBe(String(3 + 4 + 5));
      for (const file of ['awards.jsonl', 'nodes/x/awards.jsonl', 'mints.jsonl']) {
        expect(existsSync(join(dataDir, file)), file).toBe(false);
        expect(existsSync(join(dataDir, `${file}.imported`)), `${file}.imported`).toBe(true);
      }
      expect(await server.stop('SIGTERM')).toBe(0);
      // The old files put back (a restore by hand): importing them again adds nothing, mints nothing.
      writeFileSync(join(dataDir, 'awards.jsonl'), own);
      writeFileSync(join(dataDir, 'mints.jsonl'), mints);
      server = await startServerProcess({ dataDir, port: server.port, env });
      expect(existsSync(join(dataDir, 'awards.jsonl.imported'))).toBe(true);
      const again = await allMinted(server);
      expect(again.balances?.['1']).toBe(String(3 + 4 + 5));
    } finally {
      await server.stop();
    }
  });

  it('imports the room transcripts of the version before the database at start, once: a finished room served as it was, a room left open settled', { timeout: timeoutWithStarts(2, 60_000) }, async () => {
    const { dataDir, env } = await place();
    const oldRoom = async (dir: string, id: string, close: boolean): Promise<HashedRecord[]> => {
      const { room } = await openRoom(id, { log: await journalRoomLog(join(dataDir, dir, `${id}.jsonl`)) });
      await diceDraw(room);
      if (close) await room.finish();
      return (await room.transcript()).records;
    };
    const closed = await oldRoom('rooms/closed', 'old-closed', true);
    const open = await oldRoom('rooms/open', 'old-open', false);
    writeFileSync(join(dataDir, 'rooms', 'closed', 'old-damaged.jsonl'), 'not json\n');
    let server = await startServerProcess({ dataDir, env });
    try {
      const served = async (id: string) => (await fetch(`${server.url}/rooms/${id}/transcript`)).json() as Promise<Transcript>;
      expect(JSON.stringify((await served('old-closed')).records)).toBe(JSON.stringify(closed));
      // Recovery filed the room left open: its records, then a close record.
      const settled = (await served('old-open')).records;
      expect(JSON.stringify(settled.slice(0, open.length))).toBe(JSON.stringify(open));
      expect(settled.map((r) => r.type)).toEqual([...open.map((r) => r.type), 'close']);
      expect(await openRoomIds({ dataDir, databaseUrl: env['DATABASE_URL'] })).toEqual([]);
      const listed = await getJson<{ rooms: { roomId: string }[] }>(`${server.url}/rooms?status=closed`);
      expect(listed.rooms.map((r) => r.roomId).sort()).toEqual(['old-closed', 'old-open']);
      expect(existsSync(join(dataDir, 'rooms'))).toBe(false);
      expect(readdirSync(join(dataDir, 'rooms.imported', 'closed')).sort()).toEqual(['old-closed.jsonl', 'old-damaged.jsonl']);
      // The damaged one is set aside and reported: its transcript route says so.
      expect(server.logs.join('')).toContain('damaged room-journal');
      expect((await fetch(`${server.url}/rooms/old-damaged/transcript`)).status).toBe(409);
      expect(await server.stop('SIGTERM')).toBe(0);
      server = await startServerProcess({ dataDir, port: server.port, env });
      expect(JSON.stringify((await served('old-open')).records)).toBe(JSON.stringify(settled));
    } finally {
      await server.stop();
    }
  });

  it('after SIGTERM: same keys, the room closed cleanly, the unrevealed bet voided and refunded', { timeout: timeoutWithStarts(2, 60_000) }, async () => {
    const { dataDir: firstDir, env } = await place();
    const first = await startServerProcess({ dataDir: firstDir, env });
    const keys = await fairnessOf(first);
    const a = await Gambler.enter(first.url, Wallet.createRandom() as unknown as Wallet);
    const b = await Gambler.enter(first.url, Wallet.createRandom() as unknown as Wallet, a.room.roomId);
    const roomId = a.room.roomId;
    const bets: Bet[] = [
      { stake: 10 * C, target: 5000, direction: 'under' },
      { stake: 30 * C, target: 2500, direction: 'over' },
      { stake: 5_250_000, target: 9000, direction: 'under' },
    ];
    await Promise.all(
      [a, b].map(async (p) => {
        for (const bet of bets) {
          const placed = await p.bet(bet);
          if ('refused' in placed) throw new Error(placed.refused);
          p.reveal(placed.receipt.drawSeq, placed.seed);
          await p.outcome(placed.receipt.drawSeq);
        }
      }),
    );
    const unrevealed = await a.bet({ stake: 37 * C, target: 5000, direction: 'over' });
    if ('refused' in unrevealed) throw new Error(unrevealed.refused);

    expect(await first.stop('SIGTERM')).toBe(0);
    const second = await startServerProcess({ dataDir: first.dataDir, port: first.port, env });
    try {
      expect(await fairnessOf(second)).toEqual(keys);
      // Shutdown closed the room itself: there was nothing left for crash recovery to do.
      expect(second.logs.join('')).not.toMatch(/recovered a room left open/);

      const transcript = await getJson<Transcript>(`${second.url}/rooms/${roomId}/transcript`);
      expectSettled(transcript, keys);
      expect(transcript.records).toHaveLength(2 * 2 * bets.length + 2 + 1); // + the close record
      const voided = transcript.records.filter((r) => r.type === 'void');
      expect(voided).toEqual([expect.objectContaining({ drawSeq: unrevealed.receipt.drawSeq, receiptSeq: unrevealed.receipt.seq })]);
      expect(voided[0]).toMatchObject({ reason: 'room-closed', missing: [0] });
      // Every record a player was told of is the one on file.
      for (const p of [a, b]) {
        for (const r of p.receipts) expect(transcript.records[r.seq]?.hash).toBe(r.hash);
        for (const o of p.outcomes) expect(transcript.records[o.record.seq]?.hash).toBe(o.recordHash);
      }

      const deltas = chipDeltas([transcript]);
      for (const p of [a, b]) {
        const expected = STARTING_UNITS + (deltas.get(p.address.toLowerCase()) ?? 0);
        // Worked out by hand too: stakes out, payouts in, the voided stake back.
        const payouts = p.outcomes.reduce((sum, o) => sum + o.record.result.payout, 0);
        expect(expected).toBe(STARTING_UNITS - bets.reduce((s, x) => s + x.stake, 0) + payouts);
        expect(await chipsOf(second, p.address)).toBe(expected);
      }
    } finally {
      await second.stop();
    }
  });

  it('after SIGTERM with reveals in flight: revealed draws are settled by the shutdown itself, not left to recovery', { timeout: timeoutWithStarts(2, 60_000) }, async () => {
    const { dataDir: firstDir, env } = await place();
    const first = await startServerProcess({ dataDir: firstDir, env });
    const keys = await fairnessOf(first);
    const a = await Gambler.enter(first.url, Wallet.createRandom() as unknown as Wallet);
    const b = await Gambler.enter(first.url, Wallet.createRandom() as unknown as Wallet, a.room.roomId);
    const roomId = a.room.roomId;
    const revealed: number[] = [];
    await Promise.all(
      [a, b].map(async (p) => {
        const placed = [];
        for (let n = 0; n < 3; n++) placed.push(await p.bet({ stake: (10 + n) * C, target: 5000, direction: 'under' }));
        for (const bet of placed.slice(0, 2)) {
          if ('refused' in bet) throw new Error(bet.refused);
          p.reveal(bet.receipt.drawSeq, bet.seed);
          revealed.push(bet.receipt.drawSeq);
        }
      }),
    );
    // The reveals are on their way to the server (written to loopback); their proofs are under way.
    await waitFor(() => [a, b].every((p) => unsent(p) === 0), { what: 'the reveals written to the sockets', interval: 1 });
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.logs.join('')).not.toMatch(/onDispose error|being settled/);

    const second = await startServerProcess({ dataDir: first.dataDir, port: first.port, env });
    try {
      expect(second.logs.join('')).not.toMatch(/recovered a room left open/);
      const transcript = await getJson<Transcript>(`${second.url}/rooms/${roomId}/transcript`);
      expectSettled(transcript, keys);
      for (const r of transcript.records)
        if (r.type === 'void') expect(r.reason, `draw ${r.drawSeq}`).toBe('room-closed');
      const deltas = chipDeltas([transcript]);
      for (const p of [a, b]) expect(await chipsOf(second, p.address)).toBe(STARTING_UNITS + (deltas.get(p.address.toLowerCase()) ?? 0));
    } finally {
      await second.stop();
    }
  });

  it('after repeated SIGKILLs: every transcript verifies, every draw ends once, no chip created or lost', { timeout: timeoutWithStarts(4, 120_000) }, async () => {
    const random = seededRandom('restart SIGKILLs');
    const { dataDir, env } = await place();
    const port = await freePort();
    const wallets = [0, 1, 2, 3].map(() => Wallet.createRandom() as unknown as Wallet);
    const roomIds = new Set<string>();
    const everyone: Gambler[] = [];
    let keys: FairnessParams | undefined;

    for (let round = 0; round < 3; round++) {
      const server = await startServerProcess({ dataDir, port, env });
      const roundKeys = await fairnessOf(server);
      keys ??= roundKeys;
      expect(roundKeys).toEqual(keys);

      // Two rooms of two players; the same wallets every round, so balances span rooms and runs.
      const [w0, w1, w2, w3] = wallets as [Wallet, Wallet, Wallet, Wallet];
      const g0 = await Gambler.enter(server.url, w0);
      const g2 = await Gambler.enter(server.url, w2);
      const [g1, g3] = await Promise.all([Gambler.enter(server.url, w1, g0.room.roomId), Gambler.enter(server.url, w3, g2.room.roomId)]);
      const players = [g0, g1, g2, g3];
      everyone.push(...players);
      roomIds.add(g0.room.roomId).add(g2.room.roomId);

      let stopping = false;
      const revealsSent: Promise<void>[] = [];
      const play = async (p: Gambler, i: number) => {
        const mine = random.fork(`round ${round} player ${i}`);
        let markSent!: () => void;
        revealsSent.push(new Promise<void>((r) => (markSent = r)));
        // Two settled bets, one left unrevealed, one revealed without waiting for its outcome.
        for (let n = 0; n < 2; n++) {
          const placed = await p.bet({ stake: (5 + n) * C, target: 4000 + 1000 * i, direction: n ? 'over' : 'under' });
          if ('refused' in placed) throw new Error(placed.refused);
          p.reveal(placed.receipt.drawSeq, placed.seed);
          await p.outcome(placed.receipt.drawSeq);
        }
        const kept = await p.bet({ stake: 11 * C, target: 5000, direction: 'under' });
        const sent = await p.bet({ stake: 13 * C, target: 5000, direction: 'over' });
        if ('refused' in kept || 'refused' in sent) throw new Error('refused');
        p.reveal(sent.receipt.drawSeq, sent.seed);
        markSent();
        // Then bets at full speed, revealed or not, until the server dies under them.
        while (!stopping) {
          const placed = await p.bet({ stake: mine.int(MIN_STAKE_UNITS, 20 * C), target: 5000, direction: 'under' });
          if ('refused' in placed) {
            if (placed.refused !== 'too-many-pending') throw new Error(placed.refused);
            await elapse(10); // back off while its reveals catch up, then bet again
            continue;
          }
          const roll = mine.next();
          if (roll < 0.2) continue; // never revealed
          p.reveal(placed.receipt.drawSeq, placed.seed);
          if (roll < 0.4) continue; // revealed, outcome not awaited
          await p.outcome(placed.receipt.drawSeq);
        }
      };
      const playing = players.map((p, i) => play(p, i));
      // Failures before the kill are real; after it, waits end with "left the room".
      const failedEarly = Promise.race(playing.map((run) => run.then(() => new Promise<never>(() => {}))));

      if (round === 0) {
        // Right after the last reveals were sent, before any answer can arrive.
        await Promise.race([Promise.all(revealsSent), failedEarly]);
      } else {
        await Promise.race([Promise.all(revealsSent), failedEarly]);
        // A random moment of full-speed play: the kill lands anywhere in a bet's life.
        await Promise.race([elapse(random.fork(`round ${round}`).int(0, 400)), failedEarly]);
      }
      stopping = true;
      expect(await server.stop('SIGKILL')).toBe(null);
      await expectDown(server);
      await Promise.allSettled(playing);
    }

    const final = await startServerProcess({ dataDir, port, env });
    try {
      expect(await fairnessOf(final)).toEqual(keys);
      expect(await openRoomIds({ dataDir, databaseUrl: env['DATABASE_URL'] })).toEqual([]); // recovery filed every room

      const transcripts: Transcript[] = [];
      for (const roomId of roomIds) {
        const transcript = await getJson<Transcript>(`${final.url}/rooms/${roomId}/transcript`);
        expectSettled(transcript, keys!);
        transcripts.push(transcript);
      }
      const byRoom = new Map(transcripts.map((t) => [t.roomId, t]));
      // Anything a player was told is on file, unchanged: records are durable before they are sent.
      for (const p of everyone) {
        const t = byRoom.get(p.room.roomId)!;
        for (const r of p.receipts) expect(t.records[r.seq]?.hash).toBe(r.hash);
        for (const o of p.outcomes) expect(t.records[o.record.seq]?.hash).toBe(o.recordHash);
      }
      expect(everyone.reduce((n, p) => n + p.receipts.length, 0)).toBeGreaterThanOrEqual(3 * 4 * 4);

      const deltas = chipDeltas(transcripts);
      for (const w of wallets) expect(await chipsOf(final, w.address), w.address).toBe(STARTING_UNITS + (deltas.get(w.address.toLowerCase()) ?? 0));
    } finally {
      await final.stop();
    }
  });
});
