/**
 * `npm run load -- --capacity`: how many players one server process holds. Players of the default
 * mix join in steps (x1.5 from --start-players); each step plays for --step-seconds after its
 * players joined and 5 s passed, and the step's reveal-to-outcome p99 is measured over that window only. It
 * stops at the first step whose p99 reaches 100 ms or that saw errors, and prints each step and
 * the largest player count whose p99 stayed under 100 ms. Works with --url, so that two builds
 * can be compared on one machine in one hour.
 * @module
 */
import { cpuTable, perDraw } from '../bench/cpu-table.ts';
import { formatTable } from '../bench/harness.ts';
import { stakesFor, Crowd } from './crowd.ts';
import type { LoadArgs } from './load-args.ts';
import { percentile, sleep } from './load-stats.ts';
import { loadTarget, ProcessProbe } from './load-target.ts';
import { serverCounts } from './server-metrics.ts';

export const CAPACITY_P99_MS = 100;
const STEP_FACTOR = 1.5;
const MAX_PLAYERS = 2000;
const SETTLE_MS = 5000;

export async function runCapacity(args: LoadArgs): Promise<number | undefined> {
  // The easier bonus terms are set for a run as long as all the steps together might be.
  const target = await loadTarget({ ...args, seconds: 600 });
  const probe = new ProcessProbe(target.pids);
  console.log(`capacity: players x${STEP_FACTOR} a step from ${args.startPlayers}, ${args.stepSeconds} s a step, until reveal-to-outcome p99 >= ${CAPACITY_P99_MS} ms or errors; against ${target.description}`);
  const crowd = new Crowd({ urls: target.urls, raidShare: args.raidShare, stakes: stakesFor(600) });
  const rows: string[][] = [];
  let held: number | undefined;
  try {
    for (let players = args.startPlayers; players <= MAX_PLAYERS; players = Math.min(MAX_PLAYERS, Math.ceil(players * STEP_FACTOR))) {
      await crowd.growTo(players);
      // The burst of sign-ins and joins passes (and, at the first step, the server warms up) before the window.
      await sleep(SETTLE_MS);
      const stats = crowd.stats;
      stats.window();
      const errors0 = stats.errors;
      const counts0 = await serverCounts(target.urls[0]!);
      const threads0 = probe.known ? probe.threads() : [];
      const start = performance.now();
      await sleep(args.stepSeconds * 1000);
      const seconds = (performance.now() - start) / 1000;
      const draws = (await serverCounts(target.urls[0]!)).draws - counts0.draws;
      const cost = probe.known ? perDraw(probe.cpuByThreadSince(threads0), draws) : undefined;
      const p99 = percentile(stats.revealToOutcome, 99);
      const errors = stats.errors - errors0;
      const ok = stats.revealToOutcome.length > 0 && p99 < CAPACITY_P99_MS && errors === 0;
      rows.push([String(players), String(stats.connected), (draws / seconds).toFixed(0), percentile(stats.revealToOutcome, 50).toFixed(1), p99.toFixed(1), String(errors), cost ? cost.byClass.main.toFixed(2) : '-', cost ? cost.total.toFixed(2) : '-', ok ? 'yes' : 'no']);
      console.log(`step ${rows.length}: ${players} players, p99 ${p99.toFixed(1)} ms, errors ${errors}${errors ? ` (${stats.errorSummary()})` : ''}`);
      if (!ok) break;
      held = players;
      if (players === MAX_PLAYERS) break;
      if (cost && rows.length === 1) console.log(cpuTable(cost));
    }
  } finally {
    await crowd.stop();
    await target.stop();
  }
  console.log(`\n${formatTable([{ header: 'players' }, { header: 'connected' }, { header: 'draws/s' }, { header: 'p50 ms' }, { header: 'p99 ms' }, { header: 'errors' }, { header: 'main ms/draw' }, { header: 'total ms/draw' }, { header: `p99 < ${CAPACITY_P99_MS}` }], rows)}`);
  console.log(held === undefined ? `\ncapacity: not even ${args.startPlayers} players stayed under ${CAPACITY_P99_MS} ms at p99 (lower --start-players)` : `\ncapacity: ${held} players per process with reveal-to-outcome p99 < ${CAPACITY_P99_MS} ms${held === MAX_PLAYERS ? ' (the tool\'s limit: more may fit)' : ''}`);
  return held;
}
