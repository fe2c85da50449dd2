/**
 * Where a new room goes: the process hosting the fewest rooms. Colyseus' default reads the room
 * counts each process publishes at most once a second, so every room of a burst lands on the
 * same process; here each choice is also counted in Redis for a few seconds, so a burst spreads.
 * @module
 */
import { matchMaker } from '@colyseus/core';
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './cluster-node.ts';

const bucket = (second: number) => `${KEY_PREFIX}placed:${second}`;

export function fewestRoomsPlacement(redis: Redis): () => Promise<string> {
  return async () => {
    const processes = await matchMaker.stats.fetchAll();
    if (processes.length === 0) return matchMaker.processId;
    const second = Math.floor(Date.now() / 1000);
    // Published counts lag by up to a second: placements of the last two seconds may be missing.
    const recent = await Promise.all([redis.hgetall(bucket(second)), redis.hgetall(bucket(second - 1))]);
    const load = (id: string, rooms: number) => rooms + recent.reduce((n, placed) => n + Number(placed[id] ?? 0), 0);
    const chosen = processes.reduce((best, p) => (load(p.processId, p.roomCount) < load(best.processId, best.roomCount) ? p : best)).processId;
    await redis.multi().hincrby(bucket(second), chosen, 1).expire(bucket(second), 5).exec();
    return chosen;
  };
}
