/**
 * The main thread's side of the liveness renewer (`liveness-worker.ts`): starts the worker once
 * this process holds its liveness key, counts its own timer turns for the worker to see, and
 * calls `onLost` at its first timer turn after the worker found the key lost or unrenewable
 * (saying so in shared memory first, or the worker ends the process).
 * @module
 */
import { Worker } from 'node:worker_threads';
import { LOST, LostCode, MAIN_TICKS, SLOTS, STOPPING, type LivenessMessage, type LivenessWorkerData } from './liveness-protocol.ts';

/** How often the main thread checks the worker's verdict and shows it is still turning. */
const TICK_MS = 250;

const REASON_OF_CODE: Record<number, string> = {
  [LostCode.lapsed]: 'liveness key lapsed: another process may be settling its rooms',
  [LostCode.unrenewed]: 'no liveness renewal in time (Redis unreachable)',
};

export interface LivenessRenewer {
  /** Stops renewing (the key is left to its owner to release). */
  stop(): Promise<void>;
}

export async function startLivenessRenewer(
  opts: Omit<LivenessWorkerData, 'shared'>,
  onLost: (reason: string) => void,
): Promise<LivenessRenewer> {
  const shared = new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT);
  const flags = new Int32Array(shared);
  const workerData: LivenessWorkerData = { ...opts, shared };
  const worker = new Worker(new URL('./liveness-worker-entry.mjs', import.meta.url), { workerData });
  let stopping = false;
  let lost = false;
  let tick: ReturnType<typeof setInterval> | undefined;
  const lose = (reason: string): void => {
    // Told the worker first: past a short grace it ends a process whose main thread has not seen the loss.
    Atomics.store(flags, STOPPING, 1);
    if (lost || stopping) return;
    lost = true;
    clearInterval(tick);
    onLost(reason);
  };
  await new Promise<void>((resolve, reject) => {
    const fail = (reason: string) => reject(new Error(`the liveness renewer did not start: ${reason}`));
    worker.once('error', (e) => fail(e.message));
    worker.once('exit', (code) => fail(`it exited with code ${code}`));
    worker.once('message', (m: LivenessMessage) => (m.type === 'ready' ? resolve() : fail(m.type === 'failed' ? m.reason : m.type)));
  }).catch(async (e: unknown) => {
    await worker.terminate();
    throw e;
  });
  worker.removeAllListeners();
  worker.on('message', (m: LivenessMessage) => m.type === 'lost' && lose(m.reason));
  worker.on('error', (e) => lose(`the liveness renewer failed: ${e.message}`));
  worker.on('exit', () => lose('the liveness renewer stopped'));
  // Read from a timer, as the watchdog on this thread was: after a stall, in the first timers phase.
  tick = setInterval(() => {
    Atomics.add(flags, MAIN_TICKS, 1);
    const code = Atomics.load(flags, LOST);
    if (code !== 0) lose(REASON_OF_CODE[code] ?? `liveness lost (code ${code})`);
  }, TICK_MS);
  tick.unref();
  worker.unref();
  return {
    async stop() {
      stopping = true;
      clearInterval(tick);
      await worker.terminate();
    },
  };
}
