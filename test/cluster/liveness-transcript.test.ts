/**
 * A whole-transcript request cannot starve cluster liveness: a server process in cluster mode
 * (REDIS_URL, a redis-server and an external chain of the test's own) serves a finished room's
 * transcript whole to 8 readers at once, in rounds, while a watcher with its own Redis connection
 * samples the process's liveness key. The key never lapses and the process never exits (it used
 * to exit 70 when a 30 MB room's transcript stalled it past its renewal).
 *
 * The room here is 2 MB, which a busy 2-core machine plays in about a minute: the transcript is
 * served as stored, by a cost that grows with its size in small turns, so its size is not what
 * this test is about. The 30 MB room is the `hostile` bench section's (`npm run bench -- --only
 * hostile`), which reports the lowest remaining time to live it saw.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBigRoom, fileBigRoom, playBigRoom } from '../helpers/big-room.ts';
import { startExternalChain, type ExternalChain } from '../helpers/external-chain.ts';
import { watchLiveness } from '../helpers/liveness-watch.ts';
import { getJson } from '../helpers/player.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { startTranscriptReaders, type Download } from '../helpers/transcript-readers.ts';

const TRANSCRIPT_BYTES = 2 * 1024 * 1024;
const ROUNDS = 3;
const NODE_ID = 'transcript-liveness';

let redis: TestRedis;
let chain: ExternalChain;
let server: ServerProcess;
beforeAll(async () => {
  redis = await startRedis();
  chain = await startExternalChain();
  server = await startServerProcess({ env: { ...chain.env, REDIS_URL: redis.url, NODE_ID, MAX_MESSAGES_PER_SECOND: '1000' } });
}, timeoutWithStarts(1, 60_000));
afterAll(async () => {
  // Whatever went wrong, the server's last words (a process that lost its liveness says so).
  if (server) console.log(`server log, last lines:\n${server.logs.join('').split('\n').slice(-15).join('\n')}`);
  await server?.stop();
  await chain?.stop();
  await redis?.stop();
});

describe('cluster liveness while a big transcript is served', () => {
  it('8 readers at once, in rounds, get the whole transcript; the liveness key never lapses and the process stays up', { timeout: 600_000 }, async () => {
    const room = await playBigRoom(server.url, TRANSCRIPT_BYTES);
    console.log(describeBigRoom(room));
    const filed = await fileBigRoom(server.url, room);

    const watch = watchLiveness(redis.url, NODE_ID, server.pid);
    const readers = startTranscriptReaders(`${server.url}/rooms/${room.roomId}/transcript`);
    const bodies: Download[] = [];
    try {
      for (let i = 0; i < ROUNDS; i++) bodies.push(...(await readers.round()));
    } finally {
      await readers.stop();
    }
    const seen = await watch.stop();
    console.log(
      `${ROUNDS} rounds of 8 downloads of ${filed.records} records (${((bodies[0]?.length ?? 0) / 1024 / 1024).toFixed(1)} MB each): ` +
        `liveness key sampled ${seen.samples} times, lowest remaining TTL ${seen.minPttl} ms; process ${seen.alive ? 'alive throughout' : 'gone'}`,
    );

    expect(bodies).toHaveLength(8 * ROUNDS);
    for (const body of bodies) expect(body).toEqual({ ...bodies[0], last: 'close' });
    expect(bodies[0]!.length).toBeGreaterThanOrEqual(TRANSCRIPT_BYTES);
    expect(seen.samples).toBeGreaterThan(0);
    expect(seen.minPttl).toBeGreaterThan(0);
    expect(seen.alive).toBe(true);
    expect((await getJson<{ redis: unknown }>(`${server.url}/health`)).redis).toEqual({ ok: true, configured: true });
  });
});
