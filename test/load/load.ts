/**
 * `npm run load`: N bot players sign in and really play, half dice (a bet every second), half
 * treasure raid (rooms of 8, wandering and opening chests), against a server this tool starts on
 * loopback. Bounded: at most 2,000 players and 600 s, and it stops by itself. Prints every 5 s and
 * at the end: clients connected, draws/s, reveal-to-outcome p50/p95/p99, state patch latency p99
 * (the room's server clock against this machine's), errors, server CPU and memory.
 *
 *   npm run load -- --players 500 --seconds 30 [--raid-share 0.5] [--processes 2] [--database postgres] [--prefill 1000000]
 *
 * With `--processes 2` it starts a Redis (Debian's redis-server) and an external chain (anvil),
 * and two server processes sharing them; players are matched through either process in turn,
 * and CPU and memory are the two processes' sums. The processes share one data directory (and
 * its SQLite file), or with `--database postgres` each has its own and they share a PostgreSQL
 * this tool starts (Debian's `postgresql`, as the tests do), as on separate hosts; they are
 * given the same keys. `--prefill N` puts N transcript records of history in the database of a
 * single process before it starts (`test/bench/prefill.ts`).
 *
 * `--economy` exercises the economy too (./economy-bots.ts: easier bonus terms, said in the
 * output; dice bots cash out and deposit coins back) and prints `GET /economy`'s figures and
 * `/health`'s reconciliation at the end (./economy-report.ts); `--keep-economy-screenshot PATH`
 * also saves a full-page picture of the page `/economy` before the server stops.
 * @module
 */
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, type Room } from '@colyseus/sdk';
import { Wallet, type HDNodeWallet } from 'ethers';
import { CHESTS_PER_ROUND, RAID_LOOT_MAPPING } from '../../games/raid/rules.ts';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import { authorize, servedRulesHash, sessionSignIn } from '../helpers/player.ts';
import { startExternalChain } from '../helpers/external-chain.ts';
import { prefill } from '../bench/prefill.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { startRedis } from '../helpers/redis.ts';
import { freePort, startServerProcess, tempDataDir, type ServerProcess } from '../helpers/server-process.ts';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { BotCashier, economyRole, economySampleSeconds, economyServerEnv, economyStakeUnits, economyTermsLine, publicChain, type PublicChain } from './economy-bots.ts';
import { ensureClientBuilt } from '../../server/client-build.ts';
import { economyFigures, economyScreenshot, printEconomy, type EconomyFigures } from './economy-report.ts';

interface Args {
  players: number;
  seconds: number;
  raidShare: number;
  processes: number;
  database: 'sqlite' | 'postgres';
  prefillRecords: number;
  economy: boolean;
  economyScreenshot?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { players: 200, seconds: 30, raidShare: 0.5, processes: 1, database: 'sqlite', prefillRecords: 0, economy: false };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--economy') {
      args.economy = true;
      i--; // a flag without a value
      continue;
    }
    if (argv[i] === '--keep-economy-screenshot') {
      const path = argv[i + 1];
      if (!path || path.startsWith('--')) throw new Error('--keep-economy-screenshot needs a file path (.png)');
      [args.economy, args.economyScreenshot] = [true, path];
      continue;
    }
    if (argv[i] === '--database') {
      const name = argv[i + 1];
      if (name !== 'sqlite' && name !== 'postgres') throw new Error('--database is sqlite or postgres');
      args.database = name;
      continue;
    }
    const [flag, value] = [argv[i], Number(argv[i + 1])];
    if (!Number.isFinite(value)) throw new Error(`${flag} needs a number`);
    if (flag === '--players') args.players = Math.min(2000, Math.max(1, Math.round(value)));
    else if (flag === '--seconds') args.seconds = Math.min(600, Math.max(5, value));
    else if (flag === '--raid-share') args.raidShare = Math.min(1, Math.max(0, value));
    else if (flag === '--processes') args.processes = Math.min(2, Math.max(1, Math.round(value)));
    else if (flag === '--prefill') args.prefillRecords = Math.min(10_000_000, Math.max(0, Math.round(value)));
    else throw new Error(`unknown argument ${flag}; usage: --players N --seconds S --raid-share F --processes 1|2 --database sqlite|postgres --prefill RECORDS --economy --keep-economy-screenshot PATH`);
  }
  return args;
}

const stats = { connected: 0, draws: 0, errors: 0, revealToOutcome: [] as number[], patch: [] as number[], errorKinds: new Map<string, number>() };
let running = true;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function error(kind: string): void {
  stats.errors++;
  stats.errorKinds.set(kind, (stats.errorKinds.get(kind) ?? 0) + 1);
}

/** Watches the room's server clock: now minus the clock in each patch is the patch's latency. */
function watchPatches(room: Room): void {
  let last = 0;
  room.onStateChange((state: { serverTime?: number }) => {
    // Only patches that carry a new clock value: others (a balance, a chest) leave it stale.
    if (!state.serverTime || state.serverTime === last) return;
    last = state.serverTime;
    stats.patch.push(Date.now() - state.serverTime);
  });
}

/** Refusals a fair player meets in a crowded raid (another player reached the chest first). */
const RACES = new Set(['chest-taken', 'too-far', 'not-now']);

/** A bot signs in delegating to a session key, which signs each of its draws (protocol v2), as the page does. */
async function join(url: string, game: 'dice' | 'raid', roomId?: string): Promise<{ room: Room; wallet: HDNodeWallet; address: string; sessionKey: HDNodeWallet }> {
  const client = new Client(url);
  const wallet = Wallet.createRandom();
  const { token, sessionKey } = await sessionSignIn(url, wallet);
  client.auth.token = token;
  const room = roomId ? await client.joinById(roomId) : await client.create(game);
  room.reconnection.enabled = false;
  stats.connected++;
  room.onLeave(() => {
    stats.connected--;
    if (running) error('disconnected');
  });
  room.onMessage('error', (e: { code: string }) => RACES.has(e.code) || error(`refused: ${e.code}`));
  watchPatches(room);
  return { room, wallet, address: wallet.address, sessionKey };
}

/** A dice bot: a bet at even odds every second, of `stake` units; under --economy its cashier looks in after each. */
async function diceBot(room: Room, sessionKey: HDNodeWallet, rulesHash: string, stake = UNITS_PER_CHIP, cashier?: BotCashier): Promise<void> {
  const outcomes = new Map<number, (v: unknown) => void>();
  const receipts = new Map<string, (r: { drawSeq: number }) => void>();
  room.onMessage('receipt', (r: { drawSeq: number; commitments: string[] }) => receipts.get(r.commitments[0]!)?.(r));
  room.onMessage('outcome', (o: { record: { drawSeq: number } }) => outcomes.get(o.record.drawSeq)?.(o));
  room.onMessage('void', () => error('void'));
  await sleep(Math.random() * 1000);
  while (running) {
    const seed = newSeed();
    const commitment = seedCommitment(seed);
    const bet = { stake, target: 5000, direction: 'under' }; // one chip unless --economy, in units
    const authorization = await authorize(sessionKey, room.roomId, 'dice', 'roll', { ...bet }, commitment, rulesHash);
    const receipt = await Promise.race([new Promise<{ drawSeq: number }>((r) => receipts.set(commitment, r) && room.send('bet', { ...bet, commitment, authorization })), sleep(10_000).then(() => undefined)]);
    receipts.delete(commitment);
    if (!receipt) {
      error('no receipt in 10 s');
      continue;
    }
    const t0 = performance.now();
    const outcome = await Promise.race([new Promise((r) => outcomes.set(receipt.drawSeq, r) && room.send('reveal', { drawSeq: receipt.drawSeq, seed })), sleep(10_000).then(() => undefined)]);
    outcomes.delete(receipt.drawSeq);
    if (!outcome) error('no outcome in 10 s');
    else {
      stats.draws++;
      stats.revealToOutcome.push(performance.now() - t0);
    }
    await cashier?.afterBet();
    await sleep(1000);
  }
}

async function raidBot(room: Room, address: string, sessionKey: HDNodeWallet): Promise<void> {
  const seeds = new Map<string, string>();
  const revealedAt = new Map<number, number>();
  const commit = () => {
    const seed = newSeed();
    const c = seedCommitment(seed);
    seeds.set(c, seed);
    return c;
  };
  /** Sends a draw-opening message with a fresh commitment, signed by the session key. */
  const request = async (type: string, body: Record<string, number>, kind: string, action: Record<string, string | number>) => {
    const commitment = commit();
    room.send(type, { ...body, commitment, authorization: await authorize(sessionKey, room.roomId, 'raid', kind, action, commitment) });
  };
  room.onMessage('commit-request', (m: { round: number }) => void request('commit', { round: m.round }, 'chests', { round: m.round, count: CHESTS_PER_ROUND }));
  room.onMessage('receipt', (r: { drawSeq: number; commitments: string[] }) => {
    for (const c of r.commitments) {
      const seed = seeds.get(c);
      if (!seed) continue;
      seeds.delete(c);
      revealedAt.set(r.drawSeq, performance.now());
      room.send('reveal', { drawSeq: r.drawSeq, seed });
    }
  });
  room.onMessage('outcome', (o: { record: { drawSeq: number } }) => {
    const t0 = revealedAt.get(o.record.drawSeq);
    if (t0 === undefined) return;
    revealedAt.delete(o.record.drawSeq);
    stats.draws++;
    stats.revealToOutcome.push(performance.now() - t0);
  });
  room.onMessage('void', () => undefined); // a chest draw voided when a player left: the room redraws
  const state = () => room.state as unknown as { round?: number; players?: Map<string, { x: number; y: number }>; chests?: Iterable<{ id: number; x: number; y: number; openedBy: string; opening: string }> };
  while (running) {
    room.send('move', { dx: Math.random() * 2 - 1, dy: Math.random() * 2 - 1 });
    await sleep(500);
    const me = state().players?.get(address);
    for (const c of state().chests ?? []) {
      if (!c.openedBy && !c.opening && me && Math.hypot(me.x - c.x - 0.5, me.y - c.y - 0.5) < 1.1) await request('open', { chest: c.id }, 'loot', { round: state().round ?? 0, chest: c.id, table: RAID_LOOT_MAPPING });
    }
  }
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

export interface LoadOptions {
  readonly players: number;
  readonly seconds: number;
  readonly raidShare: number;
  /** Server processes: 1, or 2 behind a Redis of this tool's own. Default 1. */
  readonly processes?: number;
  /** SQLite in the data directory (the default), or a PostgreSQL of this tool's own. */
  readonly database?: 'sqlite' | 'postgres';
  /** History put in the database before the server starts: this many transcript records (`test/bench/prefill.ts`). */
  readonly prefillRecords?: number;
  /** Exercise the economy (./economy-bots.ts) and read its figures at the end. */
  readonly economy?: boolean;
  /** With `economy`: a full-page picture of /economy saved here before the server stops. */
  readonly economyScreenshot?: string;
  /** Called every `sampleSeconds` with the server's state (the soak run's probe). */
  readonly sample?: (s: { atSeconds: number; rssMb: number; openFds: number; clients: number; errors: number }) => void;
  readonly sampleSeconds?: number;
  readonly quiet?: boolean;
}

export interface LoadResult {
  readonly clients: number;
  readonly drawsPerSec: number;
  readonly revealToOutcome: { p50: number; p95: number; p99: number };
  readonly patchP99: number;
  readonly errors: number;
  readonly serverCpuPercent: number;
  readonly serverRssMb: number;
  /** Under --economy: GET /economy and /health's reconciliation after the run. */
  readonly economy?: EconomyFigures;
}

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export async function runLoad(args: LoadOptions): Promise<LoadResult> {
  const log = args.quiet ? () => undefined : (line: string) => console.log(line);
  running = true;
  // The page /economy is served from the built client: built now if its sources are newer.
  if (args.economyScreenshot) await ensureClientBuilt(log);
  const economyEnv = args.economy ? economyServerEnv(args.seconds) : {};
  const cluster = await startServers(args.processes ?? 1, args.database ?? 'sqlite', args.prefillRecords ?? 0, economyEnv);
  const { servers } = cluster;
  const urls = servers.map((s) => s.url);
  const server = { pids: servers.map((s) => s.pid) };
  log(`load: ${args.players} players (${Math.round(args.players * args.raidShare)} raid, the rest dice) for ${args.seconds} s against ${urls.join(' and ')} (pid ${server.pids.join(', ')})`);
  const bots: Promise<void>[] = [];
  const diceRules = await servedRulesHash(urls[0]!, 'dice');
  const raidPlayers = Math.round(args.players * args.raidShare);
  if (args.economy) log(economyTermsLine(args.seconds));
  let chain: PublicChain | undefined;
  try {
    if (args.economy) chain = await publicChain(urls[0]!);
    // Players arrive one after another, as a crowd does, not in one instant.
    let raidRoom: string | undefined;
    let inRaidRoom = 0;
    for (let i = 0; i < args.players; i++) {
      const raid = i < raidPlayers;
      try {
        const { room, wallet, address, sessionKey } = await join(urls[i % urls.length]!, raid ? 'raid' : 'dice', raid && inRaidRoom < 8 ? raidRoom : undefined);
        if (raid) {
          if (room.roomId !== raidRoom) [raidRoom, inRaidRoom] = [room.roomId, 0];
          inRaidRoom++;
        }
        const url = urls[i % urls.length]!;
        const dice = () =>
          chain ? diceBot(room, sessionKey, diceRules, economyStakeUnits(args.seconds), new BotCashier(url, wallet, economyRole(i - raidPlayers), chain)) : diceBot(room, sessionKey, diceRules);
        bots.push((raid ? raidBot(room, address, sessionKey) : dice()).catch(() => error('bot crashed')));
      } catch (e) {
        error(`join failed: ${(e as Error).message.slice(0, 60)}`);
      }
    }
    const start = performance.now();
    const cpu0 = sum(server.pids, cpuSeconds);
    let [lastDraws, lastT, lastCpu, lastSample] = [stats.draws, start, cpu0, start];
    stats.revealToOutcome.length = 0;
    stats.patch.length = 0;
    while (performance.now() - start < args.seconds * 1000) {
      await sleep(5000);
      const now = performance.now();
      const cpu = sum(server.pids, cpuSeconds);
      log(
        `${((now - start) / 1000).toFixed(0).padStart(4)} s  clients ${stats.connected}  draws/s ${(((stats.draws - lastDraws) / (now - lastT)) * 1000).toFixed(0)}  ` +
          `server CPU ${(((cpu - lastCpu) / ((now - lastT) / 1000)) * 100).toFixed(0)}%  RSS ${sum(server.pids, rssMb).toFixed(0)} MB  fds ${sum(server.pids, openFds)}  errors ${stats.errors}`,
      );
      [lastDraws, lastT, lastCpu] = [stats.draws, now, cpu];
      if (args.sample && now - lastSample >= (args.sampleSeconds ?? 30) * 1000 - 1) {
        lastSample = now;
        args.sample({ atSeconds: (now - start) / 1000, rssMb: sum(server.pids, rssMb), openFds: sum(server.pids, openFds), clients: stats.connected, errors: stats.errors });
      }
      // Keep the percentile buffers bounded on long runs: a uniform thinning keeps their shape.
      for (const values of [stats.revealToOutcome, stats.patch]) if (values.length > 200_000) values.splice(0, values.length, ...values.filter((_, i) => i % 2 === 0));
    }
    const seconds = (performance.now() - start) / 1000;
    let economy: EconomyFigures | undefined;
    if (args.economy) {
      // The bots stop first: the figures are read once nothing more is cashed out or deposited.
      running = false;
      await Promise.race([Promise.allSettled(bots), sleep(15_000)]);
      economy = await economyFigures(urls[0]!, economySampleSeconds(args.seconds));
      if (args.economyScreenshot) {
        // A picture that fails is said, and fails the run, but the figures are still printed.
        await economyScreenshot(urls[0]!, args.economyScreenshot).then(
          () => log(`saved a full-page picture of /economy: ${args.economyScreenshot}`),
          (e: unknown) => {
            console.error(`no picture of /economy: ${(e as Error).message}`);
            process.exitCode = 1;
          },
        );
      }
    }
    return {
      clients: stats.connected,
      drawsPerSec: stats.revealToOutcome.length / seconds,
      revealToOutcome: { p50: percentile(stats.revealToOutcome, 50), p95: percentile(stats.revealToOutcome, 95), p99: percentile(stats.revealToOutcome, 99) },
      patchP99: percentile(stats.patch, 99),
      errors: stats.errors,
      serverCpuPercent: ((sum(server.pids, cpuSeconds) - cpu0) / seconds) * 100,
      serverRssMb: sum(server.pids, rssMb),
      ...(economy ? { economy } : {}),
    };
  } finally {
    running = false;
    chain?.provider.destroy();
    await Promise.race([Promise.allSettled(bots), sleep(15_000)]);
    await cluster.stop();
  }
}

const sum = (pids: readonly number[], measure: (pid: number) => number): number => pids.reduce((total, pid) => total + measure(pid), 0);

const SERVER_ENV = { LOG_LEVEL: 'warn', RAID_ROUND_SECONDS: '60', STARTING_CHIPS: '1000000', MAX_MESSAGES_PER_SECOND: '20' };

/**
 * One server with its embedded chain, or two sharing a Redis and a chain; on SQLite in a data
 * directory (the two share one), or on a PostgreSQL of the tool's own (a data directory each,
 * the same keys).
 */
async function startServers(processes: number, database: 'sqlite' | 'postgres', prefillRecords: number, extraEnv: Record<string, string>): Promise<{ servers: ServerProcess[]; stop(): Promise<void> }> {
  const postgres = database === 'postgres' ? await startPostgres() : undefined;
  const databaseEnv: Record<string, string> = { ...extraEnv, ...(postgres ? { DATABASE_URL: await postgres.createDatabase() } : {}) };
  const stops: (() => Promise<unknown>)[] = [async () => postgres?.stop()];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    if (processes === 1) {
      const dataDir = tempDataDir();
      if (prefillRecords > 0) console.log(`prefilled the database: ${JSON.stringify(await prefill({ dataDir, ...(databaseEnv['DATABASE_URL'] ? { databaseUrl: databaseEnv['DATABASE_URL'] } : {}) }, prefillRecords))}`);
      const server = await startServerProcess({ dataDir, env: { ...SERVER_ENV, ...databaseEnv } });
      stops.push(() => server.stop());
      return { servers: [server], stop };
    }
    const redis = await startRedis();
    stops.push(() => redis.stop());
    const chain = await startExternalChain();
    stops.push(() => chain.stop());
    const shared = tempDataDir();
    const ports = [await freePort(), await freePort()];
    const servers: ServerProcess[] = [];
    stops.push(() => Promise.all(servers.map((s) => s.stop())));
    for (const [i, port] of ports.entries()) {
      const env = { ...SERVER_ENV, ...databaseEnv, ...chain.env, REDIS_URL: redis.url, NODE_ID: `n${i}`, PUBLIC_ADDRESS: `127.0.0.1:${port}`, PUBLIC_URL: `http://localhost:${ports[0]}` };
      const dataDir = postgres ? tempDataDir() : shared;
      // The keys of the first, as an operator gives every host the same.
      if (postgres && i > 0) cpSync(joinPath(servers[0]!.dataDir, 'keys'), joinPath(dataDir, 'keys'), { recursive: true });
      servers.push(await startServerProcess({ dataDir, port, env }));
    }
    return { servers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const r = await runLoad(args);
  const on = args.database === 'postgres' ? 'on PostgreSQL' : 'on SQLite';
  console.log(args.processes > 1 ? `\nresult (${args.processes} processes behind Redis, ${on}; CPU and memory are their sums)` : `\nresult (${on})`);
  console.log(`  clients connected      ${r.clients} of ${args.players}`);
  console.log(`  draws/s                ${r.drawsPerSec.toFixed(0)}`);
  console.log(`  reveal to outcome      p50 ${r.revealToOutcome.p50.toFixed(1)} ms, p95 ${r.revealToOutcome.p95.toFixed(1)} ms, p99 ${r.revealToOutcome.p99.toFixed(1)} ms`);
  console.log(`  state patch latency    p99 ${r.patchP99.toFixed(1)} ms`);
  console.log(`  errors                 ${r.errors}${stats.errorKinds.size ? ` (${[...stats.errorKinds].map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''}`);
  console.log(`  server CPU             ${r.serverCpuPercent.toFixed(0)}% of one core`);
  console.log(`  server memory          ${r.serverRssMb.toFixed(0)} MB RSS`);
  if (r.economy) printEconomy(r.economy);
}

// Exit explicitly: bot sockets and timers of players still leaving would keep the loop alive.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
