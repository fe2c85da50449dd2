/**
 * The prover pool on a real server: `PROVER_THREADS` workers, each named `fp-prover` in /proc
 * and running at nice 2 (Linux), and /metrics showing the prover's queue after a few draws:
 * proofs under way (none, once every outcome is in) and how long each waited for a worker.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { TestPlayer } from '../helpers/player.ts';

const THREADS = 3;
const DRAWS = 4;

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ env: { PROVER_THREADS: String(THREADS) } });
});
afterAll(async () => {
  await server?.stop();
});

/** The server's threads as /proc shows them: name and nice (field 19 of `stat`, after the parenthesised name). */
function threadsOf(pid: number): { name: string; nice: number }[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    const afterName = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ').pop()!.split(' ');
    return { name, nice: Number(afterName[16]) };
  });
}

describe('the prover pool', () => {
  it.runIf(process.platform === 'linux')('has PROVER_THREADS workers named fp-prover, at nice 2', () => {
    const provers = threadsOf(server.pid).filter((t) => t.name === 'fp-prover');
    expect(provers.map((t) => t.nice)).toEqual(Array(THREADS).fill(2));
  });

  it('/metrics shows proofs under way and their time in the queue after a few draws', async () => {
    const player = await TestPlayer.join(server.url, { create: true });
    for (let i = 0; i < DRAWS; i++) {
      const { receipt, seed } = await player.bet({ stake: UNITS_PER_CHIP, target: 5000, direction: 'under' });
      await player.reveal(receipt.drawSeq, seed);
    }
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const value = (line: RegExp): number => Number(text.match(line)?.[1] ?? Number.NaN);
    // Every proof was answered before its outcome was sent: none is under way.
    expect(value(/^fairplay_prove_pending (\d+)$/m)).toBe(0);
    // One wait observed per proof, each a time (not negative, under the proof's whole time).
    expect(value(/^fairplay_prove_queue_seconds_count (\d+)$/m)).toBe(DRAWS);
    const waited = value(/^fairplay_prove_queue_seconds_sum ([\d.e+-]+)$/m);
    expect(waited).toBeGreaterThanOrEqual(0);
    expect(waited).toBeLessThanOrEqual(value(/^fairplay_prove_seconds_sum ([\d.e+-]+)$/m));
    await player.room.leave();
  });
});
