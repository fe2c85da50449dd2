/**
 * Watches a cluster member from outside: with a Redis connection of its own, samples the
 * remaining time to live of the member's liveness key (server/cluster/cluster-node.ts), and
 * checks the member's process is still there, every 50 ms until stopped. A key that lapsed shows
 * as -2 (gone); a process gone (it exits 70 when it loses its liveness) as `alive: false`.
 */
import { Redis } from 'ioredis';
import { KEY_PREFIX } from '../../server/cluster/cluster-node.ts';

export interface LivenessSeen {
  readonly samples: number;
  /** Lowest remaining time to live seen, ms (-2: the key was gone). */
  readonly minPttl: number;
  /** The process answered signal 0 at every sample. */
  readonly alive: boolean;
}

export interface LivenessWatch {
  stop(): Promise<LivenessSeen>;
}

const INTERVAL_MS = 50;

const processExists = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export function watchLiveness(redisUrl: string, nodeId: string, pid: number): LivenessWatch {
  const redis = new Redis(redisUrl);
  const key = `${KEY_PREFIX}node:${nodeId}`;
  let stopped = false;
  let samples = 0;
  let minPttl = Number.POSITIVE_INFINITY;
  let alive = true;
  const loop = (async () => {
    while (!stopped) {
      minPttl = Math.min(minPttl, await redis.pttl(key));
      alive &&= processExists(pid);
      samples++;
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop.finally(() => redis.disconnect());
      return { samples, minPttl, alive };
    },
  };
}
