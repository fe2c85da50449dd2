/**
 * The `cpu` section (issue 18): a real server process under the load tool's dice mix (dice bots
 * at varied chances and stakes, half of them cashing out) for a fixed window; its CPU by thread
 * over the window from /proc (./thread-cpu.ts) per draw the server journaled, in ms and in
 * signature-equivalents (ms per draw over the CPU ms of one `@noble/curves` ed25519.sign, timed
 * in this process in the same run: the median of several samples). Targets: total <= 2.0 and main
 * <= 1.3 signature-equivalents. Then the same load on a second server started with
 * `--cpu-prof`: its main-thread profile's self time by category gives the shares of main's
 * sub-rows (scaled to the first, unprofiled, run's main figure: the profiler costs CPU itself).
 * Also an idle room's main-thread cost: K dice rooms, one idle player each, against the server at rest,
 * and the cryptographic floor of a draw (./crypto-floor.ts): the prove, signature and recovery the
 * protocol requires, which alone come to about the total target.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { TestPlayer } from '../helpers/player.ts';
import { stakesFor, Crowd } from '../load/crowd.ts';
import { economyServerEnv } from '../load/economy-bots.ts';
import { percentile, sleep } from '../load/load-stats.ts';
import { LOAD_SERVER_ENV } from '../load/servers.ts';
import { serverCounts } from '../load/server-metrics.ts';
import { cpuTable, perDraw, type CpuPerDraw } from './cpu-table.ts';
import { mainThreadProfile, PROFILE_CATEGORIES, profileShares, type ProfileCategory } from './cpu-profile.ts';
import { cryptoFloor } from './crypto-floor.ts';
import { formatTable } from './harness.ts';
import { signMs } from './sign-time.ts';
import { cpuDelta, cpuSnapshot } from './thread-cpu.ts';
import type { Target } from './vrf.bench.ts';

const PLAYERS = 100;
const WINDOW_S = 20;
const IDLE_ROOMS = 20;
const IDLE_WINDOW_S = 10;
const TOTAL_TARGET = 2.0;
const MAIN_TARGET = 1.3;

const serverEnv = (): Record<string, string> => ({ ...LOAD_SERVER_ENV, ...economyServerEnv(WINDOW_S) });

interface Window {
  readonly cost: CpuPerDraw;
  readonly draws: number;
  readonly awards: number;
  readonly p99: number;
  readonly errors: string;
}

/** The dice mix on `server` for WINDOW_S after PLAYERS joined: its CPU by thread per draw. */
async function loadWindow(server: ServerProcess): Promise<Window> {
  const crowd = new Crowd({ urls: [server.url], raidShare: 0, stakes: stakesFor(WINDOW_S) });
  try {
    await crowd.growTo(PLAYERS);
    crowd.stats.window();
    const [counts0, threads0] = [await serverCounts(server.url), cpuSnapshot(server.pid)];
    await sleep(WINDOW_S * 1000);
    const ms = cpuDelta(threads0, cpuSnapshot(server.pid));
    const counts = await serverCounts(server.url);
    const draws = counts.draws - counts0.draws;
    return { cost: perDraw(ms, draws), draws, awards: counts.awardsMinted - counts0.awardsMinted, p99: percentile(crowd.stats.revealToOutcome, 99), errors: `${crowd.stats.errorSummary()}${crowd.stats.broke ? `, ${crowd.stats.broke} bots broke` : ''}` };
  } finally {
    await crowd.stop();
  }
}

/** Main-thread ms per room per second: IDLE_ROOMS dice rooms with one idle player each, less the server at rest. */
async function idleRoomCost(server: ServerProcess): Promise<number> {
  const mainMs = async (seconds: number) => {
    const before = cpuSnapshot(server.pid);
    await sleep(seconds * 1000);
    return cpuDelta(before, cpuSnapshot(server.pid)).main / seconds;
  };
  const atRest = await mainMs(IDLE_WINDOW_S);
  const players = await Promise.all(Array.from({ length: IDLE_ROOMS }, () => TestPlayer.join(server.url, { create: true })));
  try {
    await sleep(2000); // joins settle
    return ((await mainMs(IDLE_WINDOW_S)) - atRest) / IDLE_ROOMS;
  } finally {
    await Promise.all(players.map((p) => p.room.leave()));
  }
}

/** The dice mix again on a server with --cpu-prof: main's self time by category, as shares. */
async function profiledShares(): Promise<Record<ProfileCategory, number> | string> {
  const dir = mkdtempSync(join(tmpdir(), 'fairplay-cpu-prof-'));
  try {
    const server = await startServerProcess({ env: serverEnv(), execArgv: ['--cpu-prof', '--cpu-prof-dir', dir] });
    try {
      await loadWindow(server);
    } finally {
      // A graceful stop: the profile is written as the process exits.
      await server.stop('SIGTERM');
    }
    return profileShares(mainThreadProfile(dir, server.pid));
  } catch (e) {
    return `no breakdown: ${(e as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchCpu(): Promise<{ table: string; targets: Target[] }> {
  const server = await startServerProcess({ env: serverEnv() });
  let window: Window;
  let idleMs: number;
  try {
    idleMs = await idleRoomCost(server);
    window = await loadWindow(server);
  } finally {
    await server.stop();
  }
  const shares = await profiledShares();
  const sign = signMs();
  const floor = await cryptoFloor();
  const { cost } = window;
  const parts = typeof shares === 'string' ? [] : PROFILE_CATEGORIES.map((c): [string, number] => [c, shares[c] * cost.byClass.main]);
  const total = cost.total / sign;
  const main = cost.byClass.main / sign;
  const lines = [
    `${PLAYERS} dice players (the load tool's dice mix) for ${WINDOW_S} s: ${window.draws} draws journaled, ${window.awards} awards minted, reveal-to-outcome p99 ${window.p99.toFixed(1)} ms, errors ${window.errors}`,
    `one ed25519.sign (@noble/curves, CPU time in this process, median of 7 samples): ${sign.toFixed(3)} ms`,
    cpuTable(cost, sign, parts),
    typeof shares === 'string' ? `main-thread breakdown: ${shares}` : 'main sub-rows: self time by category in a --cpu-prof run of the same load, as shares of the main figure above',
    formatTable(
      [{ header: 'the cryptographic floor of a draw (in this process)' }, { header: 'ms', align: 'right' }, { header: 'signature-equivalents', align: 'right' }],
      [
        ['ECVRF prove (ECVRF-EDWARDS25519-SHA512-TAI, libsodium)', floor.prove],
        ['receipt signature (secp256k1, tiny-secp256k1)', floor.receiptSign],
        ["recovery of the player's signature (secp256k1, tiny-secp256k1)", floor.playerRecovery],
        ['floor: what every draw costs before any other work', floor.total],
      ].map(([what, ms]) => [what as string, (ms as number).toFixed(3), ((ms as number) / sign).toFixed(2)]),
    ),
    formatTable([{ header: 'idle rooms' }, { header: 'value' }], [[`main-thread CPU per idle dice room (${IDLE_ROOMS} rooms, one idle player each, ${IDLE_WINDOW_S} s, less the server at rest)`, `${idleMs.toFixed(2)} ms per room per second`]]),
  ];
  return {
    table: lines.join('\n'),
    targets: [
      // Lower is better: met when at most the target.
      { name: 'total CPU per draw in signature-equivalents (at most)', ratio: total, target: TOTAL_TARGET, met: total <= TOTAL_TARGET },
      { name: 'main-thread CPU per draw in signature-equivalents (at most)', ratio: main, target: MAIN_TARGET, met: main <= MAIN_TARGET },
    ],
  };
}
