/**
 * The worker thread that keeps this process's cluster liveness key alive, with a Redis
 * connection and timers of its own: however long a request keeps the main thread busy, the key
 * is renewed on time. A main thread busy for seconds is not dead; one that is lost (its key
 * gone, or held by another) or cut off from Redis must stop, and this thread tells it so.
 *
 * It tells the main thread through shared memory as well as a message: the main thread checks
 * the shared flag from a timer, so after a stall it stops in its first timers phase, as it did
 * when its own watchdog timer checked the renewals.
 *
 * A main thread that has not run its timers for `mainStallMs` is hung, not busy: this thread
 * then ends the process with SIGKILL, the one way to stop a thread that cannot run, so that the
 * key lapses and survivors settle its rooms without it ever writing beside them.
 *
 * Once the key is lost the wait is much shorter: the main thread sees the verdict only in its
 * timers phase, and I/O callbacks queued before it (a busy main thread has many) may still write.
 * The verdict comes `fenceMs` after the last renewal, and survivors may start settling this
 * process's rooms once the key has lapsed (`livenessMs` after it) and stayed absent a while. So if
 * the main thread has not said it is stopping (STOPPING) within `livenessMs - fenceMs` of the
 * verdict, this thread ends the process with SIGKILL, before the key could lapse.
 * @module
 */
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { LOST, LostCode, MAIN_TICKS, RENEW, STOPPING, type LivenessMessage, type LivenessWorkerData } from './liveness-protocol.ts';

const data = workerData as LivenessWorkerData;
const shared = new Int32Array(data.shared);
const post = (message: LivenessMessage): void => parentPort!.postMessage(message);
const redis = new Redis(data.url, { commandTimeout: 2_000, maxRetriesPerRequest: 2, lazyConnect: true });
let renewedAt = 0;
let heartbeat: ReturnType<typeof setInterval> | undefined;
let watchdog: ReturnType<typeof setInterval> | undefined;
let lastTicks = Atomics.load(shared, MAIN_TICKS);
let ticksChangedAt = performance.now();

function lose(code: number, reason: string): void {
  if (Atomics.load(shared, LOST) !== 0) return;
  clearInterval(heartbeat);
  clearInterval(watchdog);
  Atomics.store(shared, LOST, code);
  post({ type: 'lost', code, reason });
  redis.disconnect();
  const graceMs = data.livenessMs - data.fenceMs;
  setTimeout(() => {
    if (Atomics.load(shared, STOPPING) !== 0) return;
    fatal(`${reason}; the main thread did not stop within ${graceMs} ms: ending the process before its rooms may be settled by another`);
  }, graceMs);
}

/** Logs (level fatal) and ends the process at once. */
function fatal(msg: string): void {
  // A log line written straight to stdout: the worker's process.stdout is relayed by the main thread, which may not be turning.
  writeSync(1, `${JSON.stringify({ level: 60, time: Date.now(), pid: process.pid, msg })}\n`);
  process.kill(process.pid, 'SIGKILL');
}

/** Renews the key; true if it is ours for another `livenessMs`. */
async function renew(): Promise<boolean> {
  const started = performance.now();
  if ((await redis.eval(RENEW, 1, data.key, data.token, data.livenessMs)) === 1) return void (renewedAt = started), true;
  // The key is gone before its time: Redis lost it (a restart). Survivors wait a whole
  // livenessMs of absence before settling a process's rooms, so taking it back within
  // that time is safe; later, or if another process holds the name, it is not.
  if (started - renewedAt < data.fenceMs && (await redis.set(data.key, data.token, 'PX', data.livenessMs, 'NX')) === 'OK') return void (renewedAt = started), true;
  return false;
}

function checkMainThread(): void {
  const ticks = Atomics.load(shared, MAIN_TICKS);
  const now = performance.now();
  if (ticks !== lastTicks) return void ((lastTicks = ticks), (ticksChangedAt = now));
  if (now - ticksChangedAt <= data.mainStallMs) return;
  fatal(`main thread hung for ${Math.round(now - ticksChangedAt)} ms: ending the process so its cluster liveness lapses`);
}

try {
  await redis.connect();
  renewedAt = performance.now();
  if (!(await renew())) throw new Error(`liveness key ${data.key} is not ours`);
} catch (e) {
  redis.disconnect();
  post({ type: 'failed', reason: (e as Error).message });
  process.exit(0);
}
post({ type: 'ready' });
heartbeat = setInterval(() => {
  checkMainThread();
  renew().then(
    (ours) => ours || lose(LostCode.lapsed, `liveness key ${data.key} lapsed: another process may be settling this one's rooms`),
    () => undefined, // Redis did not answer: the watchdog decides when that has gone on too long
  );
}, data.heartbeatMs);
// Whether or not Redis answers (a partition): without a renewal for fenceMs the key may lapse
// at any moment, so the process must stop writing before a survivor may start.
watchdog = setInterval(() => {
  if (performance.now() - renewedAt > data.fenceMs) lose(LostCode.unrenewed, `no liveness renewal for ${data.fenceMs} ms (Redis unreachable)`);
}, 250);
