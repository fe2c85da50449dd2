/**
 * Worker thread that proves VRF draws, so a burst of proofs never stalls a room's event loop.
 * The secret key arrives once, in workerData, and never leaves this thread.
 */
import { getSuite } from '../../vrf/index.ts';

export interface ProverWorkerData {
  readonly suite: string;
  readonly secretKey: Uint8Array;
}

export interface ProveTask {
  readonly alpha: Uint8Array;
}

export interface ProveResult {
  readonly pi: Uint8Array;
  readonly beta: Uint8Array;
}

const { workerData } = await import('node:worker_threads');
const data = workerData as ProverWorkerData;
const suite = getSuite(data.suite);

export default function prove({ alpha }: ProveTask): ProveResult {
  const pi = suite.prove(data.secretKey, alpha);
  return { pi, beta: suite.proofToHash(pi) };
}
