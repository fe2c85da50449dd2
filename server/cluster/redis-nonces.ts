/**
 * Sign-in nonces in the cluster's Redis: a nonce fetched from one process is good for signing
 * in through any other, and still only once (GETDEL hands it to one taker).
 * @module
 */
import type { Redis } from 'ioredis';
import type { NonceStore } from '../auth/siwe.ts';
import { KEY_PREFIX } from './cluster-node.ts';

export class RedisNonceStore implements NonceStore {
  constructor(private readonly redis: Redis) {}

  async put(nonce: string, issuedAt: number, ttlMs: number): Promise<void> {
    await this.redis.set(`${KEY_PREFIX}nonce:${nonce}`, String(issuedAt), 'PX', ttlMs);
  }

  async take(nonce: string): Promise<number | undefined> {
    const issuedAt = await this.redis.getdel(`${KEY_PREFIX}nonce:${nonce}`);
    return issuedAt === null ? undefined : Number(issuedAt);
  }
}
