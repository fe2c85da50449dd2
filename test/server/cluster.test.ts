/**
 * Two server processes behind one Redis (Debian's redis-server) and one PostgreSQL, each with a
 * data directory of its own (as on two hosts: they share only the keys, Redis, PostgreSQL and an
 * external chain): players matched through one process play in rooms hosted on the other,
 * every draw verifies, players cash chips out through both processes, and when the process
 * holding the minter lease is SIGKILLed with a bet in flight, the survivor takes over minting and
 * settles the dead process's rooms: every award (a cash-out) is minted exactly once and every chip
 * is accounted for.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@colyseus/sdk';
import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { bondAwardId } from '../../server/chain/fairness-deployment.ts';
import { startExternalChain } from '../helpers/external-chain.ts';
import { cashOut, CASH_OUT_STARTING_CHIPS, CASH_OUT_TEST_ENV, earnWithdrawable, type DiceBettor } from '../helpers/earn-coins.ts';
import { getJson, signInToken, TestPlayer, type FairnessParams } from '../helpers/player.ts';
import { startRedis } from '../helpers/redis.ts';
import { freePort, startServerProcess, tempDataDir, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { inDatabase } from '../helpers/rooms-db.ts';
import { roomHostAddress } from '../helpers/room-host.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { UNITS_PER_CHIP } from '../../games/chips.ts';

type AwardsAnswer = { awards: { awardId: string; status: string; amount: number }[]; balances: Record<string, string> | null };
/**
 * 10 chips (in units) at 98%: a win pays 10.1 chips. At 50% the bets left players up to 60 chips
 * short of a coin to cash out, and earning that back failed on bad luck more often.
 */
const BET = { stake: 10 * UNITS_PER_CHIP, target: 9800, direction: 'under' } as const;

interface Seated {
  player: TestPlayer;
  host: 'a' | 'b';
  staked: number;
  paid: number;
  /** Coins cashed out: one award each. */
  cashed: number;
}

/** Polls `probe` (a failed probe counts as "not yet") until it gives a value. */
function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  return waitFor(probe, { what, timeout: ms, interval: 200, retryErrors: true });
}

async function play(s: Seated, bets: number): Promise<void> {
  for (let i = 0; i < bets; i++) {
    const { receipt, seed } = await s.player.bet(BET);
    const outcome = await s.player.reveal(receipt.drawSeq, seed);
    s.staked += BET.stake;
    s.paid += outcome.record.result.payout;
  }
}

/** The seated player as a bettor whose every bet counts in `staked` and `paid`. */
const tracked = (s: Seated): DiceBettor => ({
  address: s.player.address,
  play: async (bet) => {
    const { receipt, seed } = await s.player.bet(bet);
    const outcome = await s.player.reveal(receipt.drawSeq, seed);
    s.staked += bet.stake;
    s.paid += outcome.record.result.payout;
  },
});

/** Wins a coin's worth of chips over the bonus at the player's table, and cashes it out through `baseUrl`. */
async function cashOutOne(baseUrl: string, s: Seated): Promise<void> {
  await earnWithdrawable(baseUrl, tracked(s), 1);
  await cashOut(baseUrl, s.player.wallet, 1);
  s.cashed++;
}

describe('two processes behind Redis', () => {
  it('match on one, play on the other; the minter process dies mid-bet: no award or chip lost, none doubled', { timeout: timeoutWithStarts(2, 240_000) }, async () => {
    const redis = await startRedis();
    const postgres = await startPostgres();
    const chain = await startExternalChain();
    const dataDirs = { a: tempDataDir(), b: tempDataDir() };
    const ports = { a: await freePort(), b: await freePort() };
    const place = { dataDir: dataDirs.a, databaseUrl: await postgres.createDatabase() };
    const common = { ...chain.env, ...CASH_OUT_TEST_ENV, REDIS_URL: redis.url, DATABASE_URL: place.databaseUrl, PUBLIC_URL: `http://localhost:${ports.a}`, MAX_MESSAGES_PER_SECOND: '10000' };
    const start = (id: 'a' | 'b') =>
      startServerProcess({ dataDir: dataDirs[id], port: ports[id], env: { ...common, NODE_ID: id, PUBLIC_ADDRESS: `127.0.0.1:${ports[id]}` } });
    const servers = { a: await start('a') } as Record<'a' | 'b', ServerProcess>;
    // The same keys on both (an operator gives every host the same): a's, made at its first start.
    cpSync(join(dataDirs.a, 'keys'), join(dataDirs.b, 'keys'), { recursive: true });
    servers.b = await start('b');
    const url = (id: 'a' | 'b') => servers[id].url;
    // The process that runs a room, as the matchmaker lists it (a room is in the database only from its first record).
    const hostOf = async (roomId: string): Promise<'a' | 'b'> => ((await roomHostAddress(redis.url, roomId)) === `127.0.0.1:${ports.a}` ? 'a' : 'b');
    try {
      for (const id of ['a', 'b'] as const)
        expect((await getJson<{ redis: unknown }>(`${url(id)}/health`)).redis).toEqual({ ok: true, configured: true });
      const fairness = await getJson<FairnessParams>(`${url('a')}/fairness`);
      expect(await getJson<FairnessParams>(`${url('b')}/fairness`)).toEqual(fairness);

      // Six players sign in with a nonce from b and are all matched through a; Colyseus puts
      // each new room on the process with the fewest, so a share of them play on b.
      const seated: Seated[] = [];
      for (let i = 0; i < 6; i++) {
        const wallet = Wallet.createRandom();
        const player = await TestPlayer.join(url('a'), { wallet, token: await signInToken(url('b'), wallet), create: true });
        seated.push({ player, host: await hostOf(player.room.roomId), staked: 0, paid: 0, cashed: 0 });
      }
      expect(seated.filter((s) => s.host === 'b').length).toBeGreaterThan(0);
      expect(seated.filter((s) => s.host === 'a').length).toBeGreaterThan(0);

      // A player's chips are held by one process: a dice seat on the other is refused while they sit.
      const first = seated[0]!;
      const elsewhere = seated.find((s) => s.host !== first.host)!;
      const client = new Client(url('a'));
      client.auth.token = await signInToken(url('a'), first.player.wallet);
      await expect(client.joinById(elsewhere.player.room.roomId)).rejects.toThrow(/seat refused \(chips-elsewhere\)/);

      await Promise.all(seated.map((s) => play(s, 6)));
      // Each player cashes a coin out through the process that holds their chips: awards recorded by both.
      await Promise.all(seated.map((s) => cashOutOne(url(s.host), s)));

      // The minter's process dies with a bet of its own players in flight.
      const minterId = (['a', 'b'] as const).find((id) => servers[id].logs.join('').includes('holds the minter lease'))!;
      expect(minterId).toBeDefined();
      const survivor = minterId === 'a' ? 'b' : 'a';
      const caught = seated.find((s) => s.host === minterId)!;
      await caught.player.bet(BET);
      await servers[minterId].stop('SIGKILL');

      // The survivor's players play on and cash out again: awards the new minter must mint.
      const live = seated.filter((s) => s.host === survivor);
      await Promise.all(live.map((s) => play(s, 1)));
      await Promise.all(live.map((s) => cashOutOne(url(survivor), s)));

      // Once the dead process's liveness lapses, the survivor settles its rooms: the unrevealed
      // bet is voided and refunded, as the dead process's own restart would have done.
      await until('the survivor to settle the dead process\'s rooms', async () =>
        servers[survivor].logs.join('').includes('settled the rooms of a process that died') || undefined,
      );
      // Found in the database by their owner, and filed there: none of the dead process's rooms is left open.
      const leftOpen = await inDatabase(place, (db) => db.selectFrom('rooms').select('room_id').where('owner', '=', minterId).where('status', '=', 'open').execute());
      expect(leftOpen).toEqual([]);

      // Chips: every player's balance, read through the survivor, is what their draws say.
      for (const s of seated) {
        const expected = CASH_OUT_STARTING_CHIPS * UNITS_PER_CHIP - s.staked + s.paid - s.cashed * UNITS_PER_CHIP;
        await until(`chips of ${s.player.address} = ${expected}`, async () => {
          const { balance } = await getJson<{ balance: number }>(`${url(survivor)}/players/${s.player.address}/chips`);
          return balance === expected ? balance : undefined;
        });
      }

      // Every room's transcript, live or filed by either process, verifies through the survivor.
      for (const s of seated) {
        const transcript = await getJson<Transcript>(`${url(survivor)}/rooms/${s.player.room.roomId}/transcript`);
        const report = verifyTranscript(transcript, fairness);
        expect(report.problems).toEqual([]);
        expect(report.ok).toBe(true);
        if (s === caught) expect(transcript.records.some((r) => r.type === 'void')).toBe(true);
      }

      // Awards: cashed out through both processes, in the one outbox they share in the database,
      // each minted once, all shown minted by the survivor.
      const outbox = (await inDatabase(place, (db) => db.selectFrom('awards').select(['award_id', 'player', 'amount']).orderBy('n').execute())).map((a) => ({ awardId: a.award_id, player: a.player, amount: Number(a.amount) }));
      expect(new Set(seated.filter((s) => s.cashed > 0).map((s) => s.host))).toEqual(new Set(['a', 'b']));
      expect(outbox).toHaveLength(seated.reduce((n, s) => n + s.cashed, 0));
      for (const s of seated) {
        await until(`awards of ${s.player.address} minted`, async () => {
          const answer = await getJson<AwardsAnswer>(`${url(survivor)}/players/${s.player.address}/awards`);
          return answer.awards.length === s.cashed && answer.awards.every((a) => a.status === 'minted') ? answer : undefined;
        });
      }
      const event = chain.assets.interface.getEvent('AwardMinted')!;
      const logs = await chain.provider.getLogs({ address: await chain.assets.getAddress(), topics: [event.topicHash], fromBlock: 0 });
      const minted = new Map<string, number>();
      // The court's bond is an award too, minted when the chain was set up, not cashed out.
      const bond = bondAwardId(chain.env['REVEAL_COURT_ADDRESS']!).slice(2);
      for (const l of logs) if (l.topics[1]!.slice(2) !== bond) minted.set(l.topics[1]!.slice(2), (minted.get(l.topics[1]!.slice(2)) ?? 0) + 1);
      const ids = new Set(outbox.map((a) => a.awardId));
      expect(minted.size).toBe(ids.size);
      expect([...ids].filter((id) => minted.get(id) !== 1)).toEqual([]);
      for (const s of seated) {
        const sum = outbox.filter((a) => a.player === s.player.address).reduce((n, a) => n + BigInt(a.amount), 0n);
        expect(await chain.assets.getFunction('balanceOf')(s.player.address, 1)).toBe(sum);
      }
      expect(servers[survivor].logs.join('')).toMatch(/holds the minter lease/);
      await Promise.all(live.map((s) => s.player.room.leave()));
    } finally {
      await Promise.all([servers.a.stop(), servers.b.stop()]);
      await chain.stop();
      await redis.stop();
      await postgres.stop();
    }
  });
});
