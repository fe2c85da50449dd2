/**
 * Used commitments and players' draws across two server processes behind one Redis and one
 * PostgreSQL, each with a data directory of its own (as on two hosts; they share only the keys):
 * a seed commitment used at a table on one process is refused at a table on the other (the
 * stake untouched, the table playing on) and after that process restarts; each process lists
 * the draws the player played on both.
 */
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import { startExternalChain } from '../helpers/external-chain.ts';
import { getJson, playerDraws, TestPlayer } from '../helpers/player.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { startRedis } from '../helpers/redis.ts';
import { freePort, startServerProcess, tempDataDir, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { roomHostAddress } from '../helpers/room-host.ts';
import { waitFor } from '../helpers/wait-for.ts';

type Host = 'a' | 'b';

describe('two processes behind Redis and PostgreSQL, with a data directory each', () => {
  it('refuse a commitment used on the other, also after a restart, and both list the draws played on either', { timeout: timeoutWithStarts(3, 180_000) }, async () => {
    const redis = await startRedis();
    const postgres = await startPostgres();
    const chain = await startExternalChain();
    const dataDirs = { a: tempDataDir(), b: tempDataDir() };
    const ports = { a: await freePort(), b: await freePort() };
    const common = { ...chain.env, REDIS_URL: redis.url, DATABASE_URL: await postgres.createDatabase(), PUBLIC_URL: `http://localhost:${ports.a}`, MAX_MESSAGES_PER_SECOND: '200' };
    const start = (id: Host) => startServerProcess({ dataDir: dataDirs[id], port: ports[id], env: { ...common, NODE_ID: id, PUBLIC_ADDRESS: `127.0.0.1:${ports[id]}` } });
    const servers = { a: await start('a') } as Record<Host, ServerProcess>;
    // The same keys on both (an operator gives every host the same): a's, made at its first start.
    cpSync(join(dataDirs.a, 'keys'), join(dataDirs.b, 'keys'), { recursive: true });
    servers.b = await start('b');
    const url = (id: Host) => servers[id].url;
    // Both on Postgres: no SQLite file in either directory.
    for (const id of ['a', 'b'] as const) {
      expect(servers[id].logs.join('')).toContain(`"database":"${common.DATABASE_URL}"`);
      expect(existsSync(join(dataDirs[id], 'fairplay.db'))).toBe(false);
    }
    // The process that runs a room, as the matchmaker lists it (a room is in the database only from its first record).
    const hostOf = async (roomId: string): Promise<Host> => ((await roomHostAddress(redis.url, roomId)) === `127.0.0.1:${ports.a}` ? 'a' : 'b');
    const chips = async (id: Host, address: string) => (await getJson<{ balance: number }>(`${url(id)}/players/${address}/chips`)).balance;
    try {
      // Tables on both processes (each new room goes to the process with fewer), held by others.
      const tables: Partial<Record<Host, string>> = {};
      const holders: TestPlayer[] = [];
      for (let i = 0; i < 8 && !(tables.a && tables.b); i++) {
        const holder = await TestPlayer.join(url('a'), { create: true });
        holders.push(holder);
        tables[await hostOf(holder.room.roomId)] ??= holder.room.roomId;
      }
      expect(tables.a && tables.b, 'a table on each process').toBeTruthy();

      // On a: a roll on `used`, revealed and settled, and another.
      const wallet = Wallet.createRandom();
      const onA = await TestPlayer.join(url('a'), { wallet, roomId: tables.a! });
      const usedSeed = newSeed();
      const used = seedCommitment(usedSeed);
      const first = (await onA.betOn(used)).receipt!;
      await onA.reveal(first.drawSeq, usedSeed);
      const second = await onA.bet({ stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'over' });
      await onA.reveal(second.receipt.drawSeq, second.seed);
      await onA.room.leave();

      // On b (once a gave up the player's dice seat): the same commitment is refused, nothing is
      // taken, and the table plays on.
      const onB = await waitFor(() => TestPlayer.join(url('b'), { wallet, roomId: tables.b! }).catch(() => undefined), {
        what: 'a dice seat on b, once a released the one it held',
      });
      const before = await chips('b', wallet.address);
      expect((await onB.betOn(used)).error).toMatchObject({ code: 'commitment-used', commitment: used });
      expect(await chips('b', wallet.address)).toBe(before);
      const onBRoll = await onB.bet({ stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
      await onB.reveal(onBRoll.receipt.drawSeq, onBRoll.seed);

      // Either process lists the three draws, oldest first.
      const expected = [
        [tables.a, first.drawSeq, 'settled'],
        [tables.a, second.receipt.drawSeq, 'settled'],
        [tables.b, onBRoll.receipt.drawSeq, 'settled'],
      ];
      for (const id of ['a', 'b'] as const)
        expect((await playerDraws(url(id), wallet.address, 2)).map((d) => [d.roomId, d.drawSeq, d.status])).toEqual(expected);
      const listed = await playerDraws(url('a'), wallet.address, 100);
      expect(listed.map((d) => d.receiptHash)).toEqual([first.hash, second.receipt.hash, onBRoll.receipt.hash]);
      // Nobody else's draws are the player's, and the table holders played none.
      expect(await playerDraws(url('b'), holders[0]!.address, 10)).toEqual([]);

      // b restarts: its table is closed and filed, and it still refuses the commitment and lists the draws.
      await onB.room.leave();
      await Promise.all(holders.map((h) => h.room.leave()));
      expect(await servers.b.stop('SIGTERM')).toBe(0);
      servers.b = await start('b');
      expect(await playerDraws(url('b'), wallet.address, 1)).toEqual(listed);
      const later = await waitFor(() => TestPlayer.join(url('b'), { wallet, create: true }).catch(() => undefined), { what: 'a dice table for the player' });
      expect((await later.betOn(used)).error).toMatchObject({ code: 'commitment-used', commitment: used });
      await later.room.leave();
    } finally {
      await Promise.all([servers.a?.stop(), servers.b?.stop()]);
      await chain.stop();
      await redis.stop();
      await postgres.stop();
    }
  });
});
