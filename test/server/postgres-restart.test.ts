/**
 * PostgreSQL restarted under running games: dice players betting as fast as the server answers
 * while the database stops (its connections cut) and comes back. Play pauses (the writes wait for
 * the database, `/health` says it is down), nothing is lost, and play resumes: every bet is
 * answered, every transcript verifies with each draw ended once, and every balance is what the
 * player's draws say.
 */
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import { chipDeltas, chipsOf, expectSettled, fairnessOf } from '../helpers/dice-ledger.ts';
import { Gambler } from '../helpers/gambler.ts';
import { closedTranscript } from '../helpers/player.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const STARTING_UNITS = 1000 * UNITS_PER_CHIP;
const PLAYERS = 3;

let postgres: TestPostgres;
let server: ServerProcess | undefined;
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
  await postgres?.stop();
});

const healthOf = async (s: ServerProcess) => {
  const res = await fetch(`${s.url}/health`);
  return { status: res.status, body: (await res.json()) as { database: { ok: boolean } } };
};

describe('a PostgreSQL restart under running games', () => {
  it('pauses play, loses nothing, and play resumes', { timeout: timeoutWithStarts(1, 240_000) }, async () => {
    server = await startServerProcess({ env: { DATABASE_URL: await postgres.createDatabase(), MAX_MESSAGES_PER_SECOND: '10000' } });
    const keys = await fairnessOf(server);
    const gamblers = await Promise.all(Array.from({ length: PLAYERS }, async () => Gambler.enter(server!.url, Wallet.createRandom() as unknown as Wallet)));
    let stop = false;
    const refusals: string[] = [];
    // Each player bets and reveals, one bet after another, until told to stop.
    const playing = gamblers.map(async (g) => {
      while (!stop) {
        const placed = await g.bet({ stake: UNITS_PER_CHIP, target: 5000, direction: 'under' });
        if ('refused' in placed) {
          refusals.push(placed.refused);
          continue;
        }
        g.reveal(placed.receipt.drawSeq, placed.seed);
        await g.outcome(placed.receipt.drawSeq);
      }
    });
    const outcomes = () => gamblers.map((g) => g.outcomes.length);
    await waitFor(() => outcomes().every((n) => n >= 3), { what: 'three outcomes for each player before the restart', timeout: 60_000 });

    await postgres.pause();
    // While the database is gone the server says so, and keeps its players.
    await waitFor(async () => (await healthOf(server!)).status === 503, { what: '/health to report the database down', timeout: 30_000 });
    const during = outcomes();
    await postgres.start();
    await waitFor(async () => (await healthOf(server!)).status === 200, { what: '/health to report the database back', timeout: 60_000 });
    await waitFor(() => outcomes().every((n, i) => n >= during[i]! + 3), { what: 'three more outcomes for each player after the restart', timeout: 120_000 });
    stop = true;
    await Promise.all(playing);

    expect(refusals, 'bets refused across the restart').toEqual([]);
    const roomIds = gamblers.map((g) => g.room.roomId);
    await Promise.all(gamblers.map((g) => g.room.leave()));
    const transcripts: Transcript[] = [];
    for (const roomId of roomIds) {
      const transcript = await closedTranscript(server.url, roomId);
      expectSettled(transcript, keys);
      transcripts.push(transcript);
    }
    const deltas = chipDeltas(transcripts);
    for (const g of gamblers) {
      const receipts = transcripts.flatMap((t) => t.records.filter((r) => r.type === 'receipt' && r.players[0] === g.address));
      // Every bet the player saw answered is in the transcript, and nothing else is.
      expect(receipts.length).toBe(g.receipts.length);
      expect(await chipsOf(server, g.address)).toBe(STARTING_UNITS + (deltas.get(g.address.toLowerCase()) ?? 0));
    }
  });
});
