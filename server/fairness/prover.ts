/**
 * Proves draws on a pool of worker threads (Piscina). Each prove is a few milliseconds of CPU;
 * on the main thread a burst of them would delay every room's patches and messages.
 * @module
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { ProveResult, ProverWorkerData } from './prover-worker.ts';

export interface Prover {
  prove(alpha: Uint8Array): Promise<ProveResult>;
  close(): Promise<void>;
}

export function createProverPool(opts: { suite: string; secretKey: Uint8Array; threads?: number }): Prover {
  const threads = opts.threads ?? Math.max(1, availableParallelism() - 1);
  const workerData: ProverWorkerData = { suite: opts.suite, secretKey: opts.secretKey };
  const pool = new Piscina({
    filename: new URL('./prover-worker-entry.mjs', import.meta.url).href,
    workerData,
    minThreads: threads,
    maxThreads: threads,
    // Keep a few proofs queued inside each worker: with one at a time, a worker idles from the
    // end of each proof until the busy main thread gets round to handing it the next.
    concurrentTasksPerWorker: 8,
  });
  return {
    prove: (alpha) => pool.run({ alpha }) as Promise<ProveResult>,
    close: () => pool.destroy(),
  };
}
