/**
 * Which process of a cluster runs a room, from Colyseus' room listing in Redis (the Redis
 * driver's `roomcaches` hash): a room is stored in the database only at its first record, so a
 * fresh room's host is known from the matchmaker alone.
 */
import { Redis } from 'ioredis';

/** The `PUBLIC_ADDRESS` of the process that runs `roomId`, or undefined if no process lists it. */
export async function roomHostAddress(redisUrl: string, roomId: string): Promise<string | undefined> {
  const redis = new Redis(redisUrl);
  try {
    const cached = await redis.hget('roomcaches', roomId);
    return cached ? (JSON.parse(cached) as { publicAddress?: string }).publicAddress : undefined;
  } finally {
    redis.disconnect();
  }
}
