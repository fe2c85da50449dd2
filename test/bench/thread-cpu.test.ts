/** The /proc reader of the bench's CPU-per-draw table: parsing, classes, and a real read of this process. */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { classifyThread, cpuDelta, cpuSnapshot, parseStat, totalMs } from './thread-cpu.ts';

// A real line of /proc/PID/task/TID/stat (Linux 6), its name holding a space and a ')'.
const LINE = '4209 (we) ird) S 4208 4208 100 34816 4208 4194368 1234 0 0 0 321 45 0 0 30 10 9 0 5678 1000000 2000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 -1 1 0 0 0 0 0';

describe('thread-cpu', () => {
  it('reads utime + stime and nice, counting fields from the last parenthesis', () => {
    expect(parseStat(LINE)).toEqual({ ticks: 321 + 45, nice: 10 });
  });

  it('refuses a line that is not a stat line', () => {
    expect(() => parseStat('no parenthesis here')).toThrow(/not a \/proc stat line/);
    expect(() => parseStat('1 (x) S 1')).toThrow(/without utime/);
  });

  it('classes threads: main by id, provers by name or by the earlier nice 10, the rest other', () => {
    expect(classifyThread(100, 100, 'node', 0)).toBe('main');
    expect(classifyThread(100, 101, 'fp-prover', 0)).toBe('provers');
    expect(classifyThread(100, 102, 'node', 10)).toBe('provers');
    expect(classifyThread(100, 103, 'node', 0)).toBe('other');
  });

  it('counts a busy worker thread of this process as other, and this thread as main', async () => {
    const before = cpuSnapshot(process.pid);
    // The worker spins, says so, and stays alive: its thread is still there at the second snapshot.
    const worker = new Worker("const { parentPort } = require('node:worker_threads'); const end = Date.now() + 300; while (Date.now() < end); parentPort.postMessage('done'); setInterval(() => {}, 1000);", { eval: true });
    await new Promise((resolve) => worker.once('message', resolve));
    const busy = Date.now() + 200;
    while (Date.now() < busy);
    const ms = cpuDelta(before, cpuSnapshot(process.pid));
    await worker.terminate();
    expect(ms.other).toBeGreaterThanOrEqual(200);
    expect(ms.main).toBeGreaterThanOrEqual(100);
    expect(ms.provers).toBe(0);
    expect(ms.chain).toBe(0);
    expect(totalMs(ms)).toBeCloseTo(ms.main + ms.other, 5);
  });
});
