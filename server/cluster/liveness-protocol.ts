/**
 * What the main thread and the liveness worker (`liveness-worker.ts`) share: the worker's
 * settings, the slots of their shared memory, their messages, and the renewal script.
 * @module
 */

export interface LivenessWorkerData {
  readonly url: string;
  readonly key: string;
  readonly token: string;
  readonly livenessMs: number;
  readonly heartbeatMs: number;
  /** Without a renewal for this long the key may lapse any moment: the process must stop. */
  readonly fenceMs: number;
  /** The main thread has not run its timers for this long: it is hung, and the process is ended. */
  readonly mainStallMs: number;
  /**
   * Int32 slots: MAIN_TICKS (the main thread counts its timer turns), LOST (a LostCode, 0 while
   * fine), STOPPING (set by the main thread once it has seen LOST and is stopping).
   */
  readonly shared: SharedArrayBuffer;
}

// Extend a key only while it still holds our token: never someone else's.
export const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export const MAIN_TICKS = 0;
export const LOST = 1;
export const STOPPING = 2;
/** How many Int32 slots the shared memory has. */
export const SLOTS = 3;
export const LostCode = { lapsed: 1, unrenewed: 2 } as const;

/** To the main thread: `ready` after the first renewal, `lost` with the reason, `failed` if it cannot start. */
export type LivenessMessage = { type: 'ready' } | { type: 'lost'; code: number; reason: string } | { type: 'failed'; reason: string };
