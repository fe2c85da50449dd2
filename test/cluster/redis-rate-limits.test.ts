/**
 * The rate limits on a real redis-server, as two processes of a cluster hold them: both count a
 * client in one bucket, and while Redis is gone each goes on counting in memory rather than
 * letting everything through or refusing everything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimits } from '../../server/limits/rate-limits.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { waitFor } from '../helpers/wait-for.ts';

const CONFIG = { windowSeconds: 60, http: 4, expensive: 0, joins: 2, roomCreates: 1, roomCreatesPerIp: 1 };

let redis: TestRedis;
const opened: RateLimits[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.map((l) => l.close()));
  await redis?.stop();
});

function limitsOn(url: string): RateLimits {
  const limits = RateLimits.create(CONFIG, {}, url);
  opened.push(limits);
  return limits;
}

describe('rate limits in Redis', () => {
  it('two processes count one client in one bucket', { timeout: 20_000 }, async () => {
    const [a, b] = [limitsOn(redis.url), limitsOn(redis.url)];
    // Until its connection is up, each counts in memory (no offline queue): wait until a probe
    // key spent on one is spent on the other.
    let probe = 0;
    await waitFor(
      async () => {
        const key = `probe-${probe++}`;
        await a.consume('joins', key);
        await a.consume('joins', key);
        return (await b.consume('joins', key)) !== undefined;
      },
      { what: 'both processes to count in Redis' },
    );
    expect(await a.consume('http', '198.51.100.1')).toBeUndefined();
    expect(await b.consume('http', '198.51.100.1')).toBeUndefined();
    expect(await a.consume('http', '198.51.100.1')).toBeUndefined();
    expect(await b.consume('http', '198.51.100.1')).toBeUndefined();
    expect(await a.consume('http', '198.51.100.1')).toMatchObject({ limit: 'http' });
    expect(await b.consume('http', '198.51.100.1')).toMatchObject({ limit: 'http' });
    // Another client has a bucket of its own.
    expect(await b.consume('http', '198.51.100.2')).toBeUndefined();
  });

  it('counts in memory while Redis does not answer', { timeout: 20_000 }, async () => {
    const limits = RateLimits.create(CONFIG, {}, 'redis://127.0.0.1:1'); // nothing listens on port 1
    opened.push(limits);
    expect(await limits.consume('room-creates', '0xabc')).toBeUndefined();
    expect(await limits.consume('room-creates', '0xabc')).toMatchObject({ limit: 'room-creates' });
  });
});
