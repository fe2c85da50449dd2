/**
 * Worker thread that proves VRF draws, so a burst of proofs never stalls a room's event loop.
 * The secret key arrives once, in workerData, and never leaves this thread.
 */
import { internalSuites } from '../../vrf/suites.ts';

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
const suite = internalSuites[data.suite];
if (!suite) throw new Error(`unknown VRF suite ${data.suite}`);

export default function prove({ alpha }: ProveTask): ProveResult {
  return suite!.proveWithOutput(data.secretKey, alpha);
}
