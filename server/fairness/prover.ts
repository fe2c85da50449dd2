/**
 * Proves draws on a pool of worker threads (Piscina). Each prove is a few milliseconds of CPU;
 * on the main thread a burst of them would delay every room's patches and messages.
 *
 * How the pool is sized and prioritised, and why:
 * - One thread per usable core by default (`PROVER_THREADS`, server/config.ts): the affinity
 *   mask's cores, capped by the cgroup's CPU quota (cpu-quota.ts; Node's count ignores a
 *   container's quota). An idle worker costs
 *   nothing (it waits on its message port), and proofs come only as fast as the main thread
 *   admits draws, so the workers take CPU only while draws are waiting for them. The old default,
 *   one core less than the machine's, left a 2-core machine one prover that could never use the
 *   second core while the main thread was idle.
 * - Nice 2, not 10 (prover-worker.ts). On a contended core Linux shares time by weight: against
 *   one nice-0 thread a nice-10 thread gets about 10% (weights 110 against 1024), a nice-2 thread
 *   about 39% (655 against 1024). At nice 10 under `npm run load` the prover got 41% of a core
 *   while it wanted 90% (issue 18): outcomes queued behind it, and a queued outcome is as late to
 *   the player as a slow patch. A little below the main thread still keeps patches and answers
 *   first when the machine is oversubscribed (a chain node, other processes).
 * - Two tasks per worker: one proving and one waiting inside the worker, so a worker never idles
 *   from the end of a proof until the busy main thread hands it the next. More would park proofs
 *   behind one worker that the scheduler has starved while another is free; the rest wait in
 *   the pool's shared queue and go to whichever worker frees first.
 * Each proof also says how long it waited for a worker (`queuedSeconds`), for /metrics.
 * @module
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { cgroupCpuQuota, usableCores } from './cpu-quota.ts';
import type { ProveResult, ProverWorkerData, WorkerProveResult } from './prover-worker.ts';

export interface ProofWithWait extends ProveResult {
  /** Seconds from the proof being asked for to a worker starting it (the pool's prover sets it). */
  readonly queuedSeconds?: number;
}

export interface Prover {
  prove(alpha: Uint8Array): Promise<ProofWithWait>;
  close(): Promise<void>;
}

/** Proofs a worker holds at once: one being proven, one ready for when it ends. */
const TASKS_PER_WORKER = 2;

/** `threads`: the pool's worker threads, one per usable core if not given. */
export function createProverPool(opts: { suite: string; secretKey: Uint8Array; threads?: number }): Prover {
  const threads = opts.threads ?? usableCores(availableParallelism(), cgroupCpuQuota());
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`prover threads must be a whole number of at least 1, not ${threads}`);
  const workerData: ProverWorkerData = { suite: opts.suite, secretKey: opts.secretKey };
  const pool = new Piscina({
    filename: new URL('./prover-worker-entry.mjs', import.meta.url).href,
    workerData,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: TASKS_PER_WORKER,
  });
  return {
    prove: async (alpha) => {
      const askedAt = performance.timeOrigin + performance.now();
      const { startedAt, ...proof } = (await pool.run({ alpha })) as WorkerProveResult;
      // Both clocks are the wall clock at sub-millisecond precision; a tiny skew between threads is clipped at 0.
      return { ...proof, queuedSeconds: Math.max(0, startedAt - askedAt) / 1000 };
    },
    close: () => pool.destroy(),
  };
}
