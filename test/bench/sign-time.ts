/**
 * The unit of issue 18's CPU tables: the CPU time of one `@noble/curves` ed25519.sign, measured
 * in the same run as the figures it divides, so that ratios hold across machines of different speed.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { median } from './harness.ts';

/**
 * CPU ms of one `op(i)` (i counts calls) in this process: the median of `samples` samples of at
 * least `sampleMs` of CPU each, after one sample of warm-up. CPU time, not wall time, as the
 * server's figures are: on a shared machine a wall-clock timing also counts the time other
 * processes held the core.
 */
export function cpuMsPerOp(op: (i: number) => unknown, samples = 5, sampleMs = 150): number {
  const cpuMs = (since?: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(since);
    return (u.user + u.system) / 1000;
  };
  const measured: number[] = [];
  for (let s = 0, i = 0; s <= samples; s++) {
    const start = process.cpuUsage();
    let n = 0;
    while (cpuMs(start) < sampleMs) for (let k = 0; k < 10; k++, n++) op(i++);
    if (s > 0) measured.push(cpuMs(start) / n); // the first is the warm-up
  }
  return median(measured);
}

/** CPU ms of one ed25519.sign of a 32-byte message: the median of 7 samples of at least 300 ms of CPU each. */
export function signMs(): number {
  const secret = new Uint8Array(32).fill(7);
  const message = new Uint8Array(32);
  let sink = 0;
  const ms = cpuMsPerOp((i) => {
    new DataView(message.buffer).setUint32(0, i);
    sink ^= ed25519.sign(message, secret)[0]!;
  }, 7, 300);
  if (sink === -1) console.log(sink); // keeps the signatures alive
  return ms;
}
