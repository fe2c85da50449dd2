/**
 * Hostile: a cluster whose processes hash client IPs under different keys. Each process of a
 * cluster has a data directory of its own (as on two hosts); an operator who gives the second
 * host every key but the bonus gate's (`keys/bonus-ip.key`) would have that process make its
 * own, and each process would then give every client IP its own starting bonus. The second
 * process must refuse to start, saying why; with the first's key it starts, and an IP's second
 * address gets no bonus on it. An honest player bets on the first throughout.
 */
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chipsOf } from '../helpers/cash-out.ts';
import { startExternalChain } from '../helpers/external-chain.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { TestPlayer } from '../helpers/player.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { startRedis } from '../helpers/redis.ts';
import { freePort, startServerProcess, tempDataDir, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';

describe('hostile: the bonus IP key across a cluster', () => {
  it('refuses a process whose bonus IP key is not the cluster\'s, and gives one bonus per IP across both once it shares it', { timeout: timeoutWithStarts(4, 120_000) }, async () => {
    const redis = await startRedis();
    const postgres = await startPostgres();
    const chain = await startExternalChain();
    const dataDirs = { a: tempDataDir(), b: tempDataDir() };
    const ports = { a: await freePort(), b: await freePort() };
    const common = { ...chain.env, REDIS_URL: redis.url, DATABASE_URL: await postgres.createDatabase(), PUBLIC_URL: `http://localhost:${ports.a}`, BONUS_PER_IP: '1', BONUS_PER_SESSION_KEY: '1' };
    const start = (id: 'a' | 'b') => startServerProcess({ dataDir: dataDirs[id], port: ports[id], env: { ...common, NODE_ID: id, PUBLIC_ADDRESS: `127.0.0.1:${ports[id]}` } });
    const servers: ServerProcess[] = [];
    let bettor: HonestBettor | undefined;
    try {
      const a = await start('a');
      servers.push(a);
      // The IP's one bonus goes to the honest player.
      bettor = await HonestBettor.start(a.url);
      // Every key of a's but the bonus gate's.
      cpSync(join(dataDirs.a, 'keys'), join(dataDirs.b, 'keys'), { recursive: true });
      rmSync(join(dataDirs.b, 'keys', 'bonus-ip.key'));
      let refusal = '';
      try {
        servers.push(await start('b'));
      } catch (e) {
        refusal = (e as Error).message;
      }
      console.log(`b without a's bonus IP key: ${refusal.split('\n').find((l) => l.includes('bonus IP key')) ?? refusal.slice(0, 400)}`);
      expect(refusal).toMatch(/server exited before listening/);
      expect(refusal).toMatch(/bonus IP key .* is not the one the cluster's other processes use/);

      // With a's key, b starts; an address from the same IP joining on b gets no bonus.
      cpSync(join(dataDirs.a, 'keys', 'bonus-ip.key'), join(dataDirs.b, 'keys', 'bonus-ip.key'));
      const b = await start('b');
      servers.push(b);
      const farmer = await TestPlayer.join(b.url, { create: true });
      await farmer.room.leave();
      const chips = await chipsOf(b.url, farmer.address);
      console.log(`an address from the same IP on b: ${chips.bonusRefused}`);
      expect(chips).toMatchObject({ balance: 0, bonus: 0 });
      expect(chips.bonusRefused).toMatch(/same internet connection/);

      const report = await bettor.stop();
      bettor = undefined;
      console.log(describeHonest('honest bettor on a', report));
      expect(report.errors).toEqual([]);
      expect(report.bets).toBeGreaterThan(0);
    } finally {
      await bettor?.stop().catch(() => undefined);
      for (const s of servers.reverse()) await s.stop();
      await chain.stop();
      await postgres.stop();
      await redis.stop();
    }
  });
});
