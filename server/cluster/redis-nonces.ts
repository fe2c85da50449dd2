/**
 * Sign-in nonces in the cluster's Redis: a nonce fetched from one process is good for signing
 * in through any other, and still only once (GETDEL hands it to one taker). The quota is shared
 * too: each client's outstanding nonces are a sorted set scored by expiry, and so are all of
 * them, so a client cannot get round its quota by asking every process in turn.
 *
 * The scripts touch keys they derive (a nonce's client set), so they need one Redis, not a
 * Redis Cluster: that is how the cluster runs (docs/operations.md).
 * @module
 */
import type { Redis } from 'ioredis';
import { checkQuota, NonceQuotaExceeded, type NonceQuota, type NonceStore } from '../auth/nonce-store.ts';
import { KEY_PREFIX } from './cluster-node.ts';

const NONCE = `${KEY_PREFIX}nonce:`;
const BY_CLIENT = `${KEY_PREFIX}nonces-of:`;
const ALL = `${KEY_PREFIX}nonces`;

// Expiry times come from Redis' clock, as the seats' do: every process counts the same TTL.
const NOW_MS = `local t = redis.call('time'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// KEYS: nonce key, client set, all set. ARGV: nonce, issuedAt, ttl, per-client cap, total cap, client.
// Returns {scope, ms until the oldest nonce under the full quota expires}, or {'ok', 0}.
const PUT = `${NOW_MS}
redis.call('zremrangebyscore', KEYS[2], '-inf', now)
redis.call('zremrangebyscore', KEYS[3], '-inf', now)
if redis.call('zcard', KEYS[2]) >= tonumber(ARGV[4]) then
  return {'client', tonumber(redis.call('zrange', KEYS[2], 0, 0, 'WITHSCORES')[2]) - now}
end
if redis.call('zcard', KEYS[3]) >= tonumber(ARGV[5]) then
  return {'store', tonumber(redis.call('zrange', KEYS[3], 0, 0, 'WITHSCORES')[2]) - now}
end
local expiry = now + tonumber(ARGV[3])
redis.call('set', KEYS[1], ARGV[2] .. '|' .. ARGV[6], 'PX', ARGV[3])
redis.call('zadd', KEYS[2], expiry, ARGV[1])
redis.call('pexpireat', KEYS[2], expiry)
redis.call('zadd', KEYS[3], expiry, ARGV[1])
return {'ok', 0}`;

// KEYS: nonce key, all set. ARGV: nonce, client set prefix. Returns issuedAt, or false.
const TAKE = `local v = redis.call('getdel', KEYS[1])
if not v then return false end
local bar = string.find(v, '|', 1, true)
redis.call('zrem', ARGV[2] .. string.sub(v, bar + 1), ARGV[1])
redis.call('zrem', KEYS[2], ARGV[1])
return string.sub(v, 1, bar - 1)`;

export class RedisNonceStore implements NonceStore {
  readonly #quota: NonceQuota;

  constructor(
    private readonly redis: Redis,
    quota: NonceQuota,
  ) {
    this.#quota = checkQuota(quota);
  }

  async put(nonce: string, issuedAt: number, ttlMs: number, client: string): Promise<void> {
    const { perClient, total } = this.#quota;
    const [verdict, ms] = (await this.redis.eval(PUT, 3, NONCE + nonce, BY_CLIENT + client, ALL, nonce, issuedAt, ttlMs, perClient, total, client)) as [string, number];
    if (verdict !== 'ok') throw new NonceQuotaExceeded(verdict === 'client' ? 'client' : 'store', Math.max(0, ms));
  }

  async take(nonce: string): Promise<number | undefined> {
    const issuedAt = (await this.redis.eval(TAKE, 2, NONCE + nonce, ALL, nonce, BY_CLIENT)) as string | null;
    return issuedAt === null ? undefined : Number(issuedAt);
  }
}
