/**
 * `npm run load`: N bot players sign in and really play, half dice (a bet every second, at varied
 * chances and stakes; every second dice bot cashes out), half treasure raid (rooms of 8, wandering
 * and opening chests), against servers this tool starts on loopback or one running at `--url`.
 * Bounded: at most 2,000 players and 600 s, and it stops by itself. Prints every 5 s and at the
 * end: clients connected, draws/s, reveal-to-outcome p50/p95/p99, raid patch latency p99, errors,
 * server CPU and memory, and the server's CPU per draw by thread when its process is known.
 * `--capacity` steps the players up instead (./capacity.ts). `npm run load -- --help` tells all.
 *
 * With `--processes 2` it starts a Redis and an external chain (anvil) and two server processes
 * sharing them (./servers.ts); `--economy` adds deposits and prints `GET /economy`'s figures
 * (./economy-bots.ts, ./economy-report.ts).
 * @module
 */
import { fileURLToPath } from 'node:url';
import { ensureClientBuilt } from '../../server/client-build.ts';
import { cpuTable, perDraw, type CpuPerDraw } from '../bench/cpu-table.ts';
import { signMs } from '../bench/sign-time.ts';
import { runCapacity } from './capacity.ts';
import { stakesFor, Crowd } from './crowd.ts';
import { economySampleSeconds, economyStats, economyTermsLine, publicChain, type PublicChain } from './economy-bots.ts';
import { economyFigures, economyScreenshot, printEconomy, type EconomyFigures } from './economy-report.ts';
import { parseLoadArgs, usage } from './load-args.ts';
import { percentile, sleep, type LoadStats } from './load-stats.ts';
import { loadTarget, ProcessProbe } from './load-target.ts';
import { serverCounts } from './server-metrics.ts';

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
  /** A running server to play against (nothing started), and optionally its process id. */
  readonly url?: string;
  readonly pid?: number;
  /** Called every `sampleSeconds` with the server's state (the soak run's probe). */
  readonly sample?: (s: { atSeconds: number; rssMb: number; openFds: number; clients: number; errors: number }) => void;
  readonly sampleSeconds?: number;
  readonly quiet?: boolean;
}

export interface LoadResult {
  readonly clients: number;
  readonly drawsPerSec: number;
  readonly revealToOutcome: { p50: number; p95: number; p99: number };
  /** Raid rooms only; NaN without raid players. */
  readonly patchP99: number;
  readonly errors: number;
  readonly errorSummary: string;
  /** Dice wins that paid more than the stake, and cash-outs made, in the run. */
  readonly bigWins: number;
  /** Dice bots that left the table with less than a chip. */
  readonly broke: number;
  readonly cashOuts: number;
  /** Counted by the server (/metrics) over the window: draws (outcomes) and awards minted. */
  readonly serverDraws: number;
  readonly awardsMinted: number;
  /** 0 when no server process is known (--url without a findable pid). */
  readonly serverCpuPercent: number;
  readonly serverRssMb: number;
  /** The server's CPU by thread per draw over the window, when its process is known. */
  readonly cpuPerDraw?: CpuPerDraw;
  /** Under --economy: GET /economy and /health's reconciliation after the run. */
  readonly economy?: EconomyFigures;
}

export async function runLoad(args: LoadOptions): Promise<LoadResult> {
  const log = args.quiet ? () => undefined : (line: string) => console.log(line);
  // The page /economy is served from the built client: built now if its sources are newer.
  if (args.economyScreenshot) await ensureClientBuilt(log);
  const target = await loadTarget({ ...args, processes: args.processes ?? 1, database: args.database ?? 'sqlite', prefillRecords: args.prefillRecords ?? 0 });
  const probe = new ProcessProbe(target.pids);
  log(`load: ${args.players} players (${Math.round(args.players * args.raidShare)} raid, the rest dice) for ${args.seconds} s against ${target.description}`);
  log(args.economy ? economyTermsLine(args.seconds) : `dice: chances 10% to 90%, stakes 1 to 3 times ${stakesFor(args.seconds).baseStake / 1e6} chips; every second dice bot cashes out what it may`);
  let chain: PublicChain | undefined;
  let crowd: Crowd | undefined;
  try {
    if (args.economy) chain = await publicChain(target.urls[0]!);
    crowd = new Crowd({ urls: target.urls, raidShare: args.raidShare, stakes: stakesFor(args.seconds), ...(chain ? { economyChain: chain } : {}) });
    await crowd.growTo(args.players);
    const stats = crowd.stats;
    stats.window();
    const cashOuts0 = economyStats.cashOuts;
    const counts0 = await serverCounts(target.urls[0]!);
    const threads0 = probe.threads();
    const start = performance.now();
    const cpu0 = probe.cpuSeconds();
    let [lastDraws, lastT, lastCpu, lastSample] = [0, start, cpu0, start];
    while (performance.now() - start < args.seconds * 1000) {
      await sleep(Math.min(5000, args.seconds * 1000 - (performance.now() - start)));
      const now = performance.now();
      const cpu = probe.cpuSeconds();
      const cpuText = probe.known ? `server CPU ${(((cpu - lastCpu) / ((now - lastT) / 1000)) * 100).toFixed(0)}%  RSS ${probe.rssMb().toFixed(0)} MB  fds ${probe.openFds()}  ` : '';
      log(`${((now - start) / 1000).toFixed(0).padStart(4)} s  clients ${stats.connected}  draws/s ${(((stats.draws - lastDraws) / (now - lastT)) * 1000).toFixed(0)}  ${cpuText}errors ${stats.errors}`);
      [lastDraws, lastT, lastCpu] = [stats.draws, now, cpu];
      if (args.sample && now - lastSample >= (args.sampleSeconds ?? 30) * 1000 - 1) {
        lastSample = now;
        args.sample({ atSeconds: (now - start) / 1000, rssMb: probe.rssMb(), openFds: probe.openFds(), clients: stats.connected, errors: stats.errors });
      }
      stats.thin();
    }
    const seconds = (performance.now() - start) / 1000;
    const cpuMs = probe.known ? probe.cpuByThreadSince(threads0) : undefined;
    const cpuSeconds = probe.cpuSeconds() - cpu0;
    const counts = await serverCounts(target.urls[0]!);
    const serverDraws = counts.draws - counts0.draws;
    let economy: EconomyFigures | undefined;
    if (args.economy) economy = await readEconomy(crowd, target.urls[0]!, args, log);
    return {
      ...latencies(stats, seconds),
      bigWins: stats.bigWins,
      broke: stats.broke,
      cashOuts: economyStats.cashOuts - cashOuts0,
      serverDraws,
      awardsMinted: counts.awardsMinted - counts0.awardsMinted,
      serverCpuPercent: (cpuSeconds / seconds) * 100,
      serverRssMb: probe.rssMb(),
      ...(cpuMs ? { cpuPerDraw: perDraw(cpuMs, serverDraws) } : {}),
      ...(economy ? { economy } : {}),
    };
  } finally {
    chain?.provider.destroy();
    await crowd?.stop();
    await target.stop();
  }
}

function latencies(stats: LoadStats, seconds: number): Pick<LoadResult, 'clients' | 'drawsPerSec' | 'revealToOutcome' | 'patchP99' | 'errors' | 'errorSummary'> {
  return {
    clients: stats.connected,
    drawsPerSec: stats.revealToOutcome.length / seconds,
    revealToOutcome: { p50: percentile(stats.revealToOutcome, 50), p95: percentile(stats.revealToOutcome, 95), p99: percentile(stats.revealToOutcome, 99) },
    patchP99: percentile(stats.patch, 99),
    errors: stats.errors,
    errorSummary: stats.errorSummary(),
  };
}

/** The bots stop first: the figures are read once nothing more is cashed out or deposited. */
async function readEconomy(crowd: Crowd, url: string, args: LoadOptions, log: (line: string) => void): Promise<EconomyFigures> {
  await crowd.stop();
  const economy = await economyFigures(url, economySampleSeconds(args.seconds));
  if (args.economyScreenshot) {
    // A picture that fails is said, and fails the run, but the figures are still printed.
    await economyScreenshot(url, args.economyScreenshot).then(
      () => log(`saved a full-page picture of /economy: ${args.economyScreenshot}`),
      (e: unknown) => {
        console.error(`no picture of /economy: ${(e as Error).message}`);
        process.exitCode = 1;
      },
    );
  }
  return economy;
}

export function printResult(r: LoadResult, players: number, heading: string): void {
  console.log(`\n${heading}`);
  console.log(`  clients connected      ${r.clients} of ${players}`);
  console.log(`  draws/s                ${r.drawsPerSec.toFixed(0)} (server: ${r.serverDraws} draws in the window)`);
  console.log(`  reveal to outcome      p50 ${r.revealToOutcome.p50.toFixed(1)} ms, p95 ${r.revealToOutcome.p95.toFixed(1)} ms, p99 ${r.revealToOutcome.p99.toFixed(1)} ms`);
  console.log(`  raid patch latency     p99 ${Number.isNaN(r.patchP99) ? '- (no raid patches)' : `${r.patchP99.toFixed(1)} ms`}`);
  console.log(`  errors                 ${r.errorSummary}`);
  console.log(`  dice wins above stake  ${r.bigWins}${r.broke ? ` (${r.broke} dice bots left the table broke)` : ''}`);
  console.log(`  cash-outs              ${r.cashOuts}${r.cashOuts === 0 ? ' (none possible in this run: no bot met the wagering requirement with chips to spare, or the server refused; see --help)' : ''}`);
  if (economyStats.refusals.size) console.log(`  cash-outs refused      ${[...economyStats.refusals].map(([k, n]) => `${k}: ${n}`).join(', ')}`);
  console.log(`  awards minted          ${r.awardsMinted}`);
  if (r.serverRssMb > 0) {
    console.log(`  server CPU             ${r.serverCpuPercent.toFixed(0)}% of one core`);
    console.log(`  server memory          ${r.serverRssMb.toFixed(0)} MB RSS`);
  }
  if (r.cpuPerDraw) {
    // Timed after the run, on this process's core: the unit of the signature-equivalents column.
    const sign = signMs();
    console.log(`\nserver CPU per draw, by thread (from /proc, over the window); one ed25519.sign here: ${sign.toFixed(3)} ms of CPU\n${cpuTable(r.cpuPerDraw, sign)}`);
  }
  else console.log('  CPU by thread          - (the server process is not known: give --pid)');
}

async function main(): Promise<void> {
  const args = parseLoadArgs(process.argv.slice(2));
  if (args.help) return void console.log(usage());
  if (args.capacity) return void (await runCapacity(args));
  const r = await runLoad(args);
  const on = args.url ? `against ${args.url}` : args.database === 'postgres' ? 'on PostgreSQL' : 'on SQLite';
  printResult(r, args.players, args.processes > 1 ? `result (${args.processes} processes behind Redis, ${on}; CPU and memory are their sums)` : `result (${on})`);
  if (r.economy) printEconomy(r.economy);
}

// Exit explicitly: bot sockets and timers of players still leaving would keep the loop alive.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (e: unknown) => {
      console.error(e instanceof Error && e.message.includes('--help') ? e.message : e);
      process.exit(1);
    },
  );
