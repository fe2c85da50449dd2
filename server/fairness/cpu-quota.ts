/**
 * The CPU quota of this process's cgroup (v2), in cores. Node's `availableParallelism()` reads
 * the affinity mask only, so in a container limited by a CPU quota (`docker run --cpus 2` on a
 * 32-core host) it still says 32; sizing the prover pool by it would start 32 workers that can
 * only share 2 cores' worth of time.
 * @module
 */
import { readFileSync } from 'node:fs';

/**
 * Cores allowed by a cgroup v2 `cpu.max` text ("QUOTA PERIOD", both in microseconds), or
 * undefined when there is no quota ("max"). A text of another shape throws.
 */
export function parseCpuMax(text: string): number | undefined {
  const match = /^(max|\d+)(?: (\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`cpu.max should read "QUOTA PERIOD" or "max PERIOD", not ${JSON.stringify(text)}`);
  if (match[1] === 'max') return undefined;
  const quota = Number(match[1]);
  // The kernel's default period when the file gives none is 100 ms.
  const period = match[2] === undefined ? 100_000 : Number(match[2]);
  if (quota <= 0 || period <= 0) throw new Error(`cpu.max has a quota and period above 0, not ${JSON.stringify(text)}`);
  return quota / period;
}

/** This process's CPU quota in cores, or undefined if there is none or it cannot be read (no cgroup v2, not Linux). */
export function cgroupCpuQuota(path = '/sys/fs/cgroup/cpu.max'): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return parseCpuMax(text);
  } catch {
    // An unexpected shape is treated as no quota: the pool then sizes by the affinity mask, as before.
    return undefined;
  }
}

/** Cores this process may use: the affinity mask's count, capped by the cgroup quota (rounded up), at least 1. */
export function usableCores(affinityCores: number, quotaCores: number | undefined): number {
  const capped = quotaCores === undefined ? affinityCores : Math.min(affinityCores, Math.ceil(quotaCores));
  return Math.max(1, capped);
}
