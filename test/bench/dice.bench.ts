/**
 * Dice under load on one server process (issue: game server core, Speed): N players bet and
 * reveal as fast as their round trips allow, while idle observers in other rooms watch their
 * room's clock tick. Prints draws per second, reveal-to-outcome latency, and the observers'
 * patch latency with and without the load, next to the single-core prove throughput measured
 * in the same run (this process, one core).
 * @module
 */
import { Wallet } from 'ethers';
import { getSuite } from '../../vrf/index.ts';
import { startServerProcess } from '../helpers/server-process.ts';
import { TestPlayer } from '../helpers/player.ts';
import { formatTable, measure } from './harness.ts';
import type { Target } from './vrf.bench.ts';

const PLAYERS = 48;
const PLAYERS_PER_ROOM = 8;
const OBSERVERS = 4;
const LOAD_MS = 10_000;
const IDLE_MS = 5_000;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Collects, per clock patch, how late it arrived: receive time minus the server time it carries. */
function watchPatches(observers: readonly TestPlayer[]): { stop(): number[] } {
  const lags: number[] = [];
  const offs = observers.map((o) => {
    let last = 0;
    const handler = () => {
      const t = o.room.state.serverTime as number;
      if (t && t !== last) {
        last = t;
        lags.push(Date.now() - t);
      }
    };
    o.room.onStateChange(handler);
    return () => o.room.onStateChange.remove(handler);
  });
  return {
    stop() {
      offs.forEach((off) => off());
      return lags.sort((a, b) => a - b);
    },
  };
}

async function playUntil(p: TestPlayer, deadline: number, latencies: number[]): Promise<number> {
  let draws = 0;
  while (Date.now() < deadline) {
    const { receipt, seed } = await p.bet({ stake: 1, target: 4950, direction: 'under' });
    const t0 = performance.now();
    await p.reveal(receipt.drawSeq, seed);
    latencies.push(performance.now() - t0);
    draws++;
  }
  return draws;
}

export async function benchDice(): Promise<{ table: string; targets: Target[] }> {
  const suite = getSuite('ECVRF-EDWARDS25519-SHA512-TAI');
  const sk = new Uint8Array(32).fill(7);
  const alpha = new Uint8Array(32);
  const prove = measure('prove', (i) => {
    new DataView(alpha.buffer).setUint32(0, i);
    return suite.prove(sk, alpha);
  }).opsPerSec;

  const server = await startServerProcess({ env: { STARTING_CHIPS: '1000000', MAX_MESSAGES_PER_SECOND: '1000', LOG_LEVEL: 'warn' } });
  try {
    const observers = await Promise.all(Array.from({ length: OBSERVERS }, () => TestPlayer.join(server.url, { create: true })));
    const idle = watchPatches(observers);
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const unloaded = idle.stop();

    const players: TestPlayer[] = [];
    for (let r = 0; r < PLAYERS / PLAYERS_PER_ROOM; r++) {
      const first = await TestPlayer.join(server.url, { create: true, wallet: Wallet.createRandom() as unknown as Wallet });
      players.push(first, ...(await Promise.all(Array.from({ length: PLAYERS_PER_ROOM - 1 }, () => TestPlayer.join(server.url, { roomId: first.room.roomId })))));
    }
    const busy = watchPatches(observers);
    const latencies: number[] = [];
    const start = performance.now();
    const counts = await Promise.all(players.map((p) => playUntil(p, Date.now() + LOAD_MS, latencies)));
    const seconds = (performance.now() - start) / 1000;
    const loaded = busy.stop();
    latencies.sort((a, b) => a - b);
    const drawsPerSec = counts.reduce((a, b) => a + b, 0) / seconds;
    await Promise.all([...players, ...observers].map((p) => p.room.leave()));

    const ratio = drawsPerSec / prove;
    const patchRatio = percentile(loaded, 99) / Math.max(1, percentile(unloaded, 99));
    const rows = [
      ['single-core prove (this process)', `${prove.toFixed(0)} /s`],
      [`draws, ${PLAYERS} players in rooms of ${PLAYERS_PER_ROOM}`, `${drawsPerSec.toFixed(0)} /s (${ratio.toFixed(2)}x prove; target >= 0.60)`],
      ['reveal -> outcome p50 / p99', `${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)} ms`],
      [`observer patch lag p50 / p99, idle (${unloaded.length} patches)`, `${percentile(unloaded, 50)} / ${percentile(unloaded, 99)} ms`],
      [`observer patch lag p50 / p99, loaded (${loaded.length} patches)`, `${percentile(loaded, 50)} / ${percentile(loaded, 99)} ms (${patchRatio.toFixed(2)}x idle; target < 2)`],
    ];
    return {
      table: formatTable([{ header: 'measure' }, { header: 'value' }], rows),
      targets: [
        { name: 'dice draws/s vs single-core prove', ratio, target: 0.6, met: ratio >= 0.6 },
        // Lower is better here: met means loaded p99 stays under twice the idle p99.
        { name: 'observer patch p99 loaded / idle (at most)', ratio: patchRatio, target: 2, met: patchRatio < 2 },
      ],
    };
  } finally {
    await server.stop();
  }
}
