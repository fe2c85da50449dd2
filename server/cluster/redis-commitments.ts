/**
 * Used seed commitments across the cluster, in Redis: one set per VRF key. A draw's commitments
 * are claimed by one Lua script, all or none, so two processes claiming the same commitment at
 * once give it to one of them. The receipts' commitments are also added as their records come
 * (idempotent), which is how a rebuild refills the set from the transcripts.
 *
 * Until the index is whole (its `ready` key: see redis-index.ts), nothing is claimed: a claim
 * waits for the rebuild, then tries again.
 * @module
 */
import type { Redis } from 'ioredis';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { CommitmentUsed, type CommitmentRegistry } from '../indexes/commitments.ts';
import { indexPrefix, RedisRecordIndex } from './redis-index.ts';

// KEYS: the used set, the ready key. ARGV: the commitments.
// 'unready' if the index is not whole; the commitment if one is used (or given twice); else ''.
const CLAIM = `if redis.call('exists', KEYS[2]) == 0 then return 'unready' end
local seen = {}
for _, c in ipairs(ARGV) do
  if seen[c] or redis.call('sismember', KEYS[1], c) == 1 then return c end
  seen[c] = true
end
redis.call('sadd', KEYS[1], unpack(ARGV))
return ''`;

export class RedisCommitmentRegistry extends RedisRecordIndex implements CommitmentRegistry {
  constructor(redis: Redis, keyId: string, rebuild: () => Promise<void>) {
    super(redis, indexPrefix(keyId, 'commitments'), rebuild);
  }

  async claim(commitments: readonly string[]): Promise<void> {
    if (commitments.length === 0) return;
    for (let tries = 0; ; tries++) {
      const verdict = String(await this.redis.eval(CLAIM, 2, `${this.prefix}used`, `${this.prefix}ready`, ...commitments));
      if (verdict === '') return;
      if (verdict !== 'unready') throw new CommitmentUsed(verdict);
      if (tries > 0) throw new Error('the index of used commitments is being rebuilt: try again');
      await this.whenRebuilt();
    }
  }

  protected write(record: HashedRecord): Promise<unknown> | undefined {
    if (record.type !== 'receipt') return undefined;
    return this.redis.sadd(`${this.prefix}used`, ...record.commitments.map((c) => c.toLowerCase()));
  }
}
