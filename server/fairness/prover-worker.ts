/**
 * Worker thread that proves VRF draws, so a burst of proofs never stalls a room's event loop.
 * The secret key arrives once, in workerData, and never leaves this thread.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { internalSuites } from '../../vrf/suites.ts';
import { vrfReady } from '../../vrf/backend.ts';
import { chainWitnessMaker } from './chain-witnesses.ts';

/** Slightly below the main thread (nice 0): why not more is in prover.ts. */
const PROVER_NICE = 2;

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
  /**
   * For a suite a contract verifies with witnesses (chain-witnesses.ts): the proof's witnesses,
   * hex. Made here, not on the main thread: they cost about as much as a verification.
   */
  readonly witnesses?: string;
}

/** A proof as this worker answers it: with when the worker took the task up, so the pool knows how long it queued. */
export interface WorkerProveResult extends ProveResult {
  /** Milliseconds since 1970, sub-millisecond (`performance.timeOrigin + performance.now()`, comparable across threads). */
  readonly startedAt: number;
}

const { workerData } = await import('node:worker_threads');
// edwards25519 proofs on libsodium (same bytes as the reference, faster); the P-256 and secp256k1
// suites are not switched and stay on @noble/curves, so this only costs them the load.
await vrfReady();
lowerThreadPriority();
const data = workerData as ProverWorkerData;
const suite = internalSuites[data.suite];
if (!suite) throw new Error(`unknown VRF suite ${data.suite}`);
const witnessesOf = chainWitnessMaker(data.suite);
const publicKey = witnessesOf ? suite.publicKey(data.secretKey) : undefined;

export default function prove({ alpha }: ProveTask): WorkerProveResult {
  const startedAt = performance.timeOrigin + performance.now();
  const { pi, beta } = suite!.proveWithOutput(data.secretKey, alpha);
  if (!witnessesOf) return { pi, beta, startedAt };
  return { pi, beta, witnesses: witnessesOf(publicKey!, pi, alpha), startedAt };
}

/**
 * Proofs yield a little to the event loop that sends patches and messages: on Linux, nice is per
 * thread, and /proc/thread-self names this worker's thread. Elsewhere this does nothing. (The
 * thread's name, `fp-prover`, is set by prover-worker-entry.mjs.)
 */
function lowerThreadPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, PROVER_NICE);
  } catch {
    // Not Linux, or not permitted: proofs then compete with the event loop on equal terms.
  }
}
