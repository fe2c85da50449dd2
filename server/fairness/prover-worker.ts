/**
 * Worker thread that proves VRF draws, so a burst of proofs never stalls a room's event loop.
 * The secret key arrives once, in workerData, and never leaves this thread.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { internalSuites } from '../../vrf/suites.ts';
import { vrfReady } from '../../vrf/backend.ts';

const PROVER_NICE = 10;

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
await vrfReady(); // edwards25519 proofs on libsodium (same bytes as the reference, faster)
lowerThreadPriority();
const data = workerData as ProverWorkerData;
const suite = internalSuites[data.suite];
if (!suite) throw new Error(`unknown VRF suite ${data.suite}`);

export default function prove({ alpha }: ProveTask): ProveResult {
  return suite!.proveWithOutput(data.secretKey, alpha);
}

/**
 * Proofs yield the CPU to the event loop that sends patches and messages: on Linux, nice is per
 * thread, and /proc/thread-self names this worker's thread. Elsewhere this does nothing.
 */
function lowerThreadPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, PROVER_NICE);
  } catch {
    // Not Linux, or not permitted: proofs then compete with the event loop on equal terms.
  }
}
