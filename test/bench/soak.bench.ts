/**
 * The soak run (10 minutes; `npm run bench -- --only soak`, not part of the default run or CI):
 * 300 players in both games on one server process whose database already holds a million
 * transcript records of history (`prefill.ts`), the server's memory (RSS) and open file
 * descriptors sampled every 30 s. After a 2-minute warm-up, memory must stay flat (the last
 * sample at most 10% above the warm-up's) and descriptors must not grow (at most 2% above).
 * @module
 */
import { runLoad } from '../load/load.ts';
import type { Target } from './vrf.bench.ts';

const PLAYERS = 300;
const SECONDS = 600;
const WARMUP_SECONDS = 120;
const HISTORY_RECORDS = 1_000_000;

export async function benchSoak(): Promise<{ table: string; targets: Target[] }> {
  const samples: { atSeconds: number; rssMb: number; openFds: number; clients: number; errors: number }[] = [];
  const result = await runLoad({ players: PLAYERS, seconds: SECONDS, raidShare: 0.5, prefillRecords: HISTORY_RECORDS, sampleSeconds: 30, sample: (s) => samples.push(s), quiet: true });
  const warm = samples.find((s) => s.atSeconds >= WARMUP_SECONDS) ?? samples[0]!;
  const last = samples.at(-1)!;
  const after = samples.filter((s) => s.atSeconds >= warm.atSeconds);
  const peak = Math.max(...after.map((s) => s.rssMb));
  const memoryRatio = last.rssMb / warm.rssMb;
  const fdRatio = last.openFds / warm.openFds;
  return {
    table: [
      `${PLAYERS} players for ${SECONDS} s, ${HISTORY_RECORDS} records in the database before the start: ${result.drawsPerSec.toFixed(0)} draws/s, reveal to outcome p99 ${result.revealToOutcome.p99.toFixed(1)} ms, errors ${result.errors}`,
      'at (s)   RSS (MB)   open fds   clients',
      ...samples.map((s) => `${s.atSeconds.toFixed(0).padStart(6)}   ${s.rssMb.toFixed(0).padStart(8)}   ${String(s.openFds).padStart(8)}   ${String(s.clients).padStart(7)}`),
      `after the ${WARMUP_SECONDS} s warm-up: RSS ${warm.rssMb.toFixed(0)} -> ${last.rssMb.toFixed(0)} MB (peak ${peak.toFixed(0)}), fds ${warm.openFds} -> ${last.openFds}`,
    ].join('\n'),
    targets: [
      { name: 'soak: RSS at the end / after warm-up (at most)', ratio: memoryRatio, target: 1.1, met: memoryRatio <= 1.1 },
      { name: 'soak: open fds at the end / after warm-up (at most)', ratio: fdRatio, target: 1.02, met: fdRatio <= 1.02 },
      { name: 'soak: errors (none allowed)', ratio: result.errors, target: 0, met: result.errors === 0 },
    ],
  };
}
