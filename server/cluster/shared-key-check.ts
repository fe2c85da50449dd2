/**
 * The processes of a cluster must share the bonus gate's IP hashing key (`BONUS_IP_KEY`, or the
 * same `keys/bonus-ip.key`): each counts a client IP under the HMAC of that key, so a process
 * that made a key of its own at its first start (hosts with separate data directories, the key
 * not given to them) counts every IP afresh, and a farmer gets one starting bonus per IP from
 * each process. Nothing else would notice. So each process checks at start, in Redis, that its
 * key is the cluster's: the first process records the key's id (a one-way hash: it reveals
 * nothing of the key), and a process whose key has another id refuses to start, saying so.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Redis } from 'ioredis';
import type { Secret } from '../log.ts';
import { KEY_PREFIX } from './cluster-node.ts';

export const BONUS_KEY_ID = `${KEY_PREFIX}bonus-ip-key-id`;

/** A one-way id of the key: equal keys, equal ids. */
export function bonusKeyId(key: Secret<Uint8Array>): string {
  return bytesToHex(sha256(concatBytes(utf8ToBytes('fairplay bonus IP key id\n'), key.reveal()))).slice(0, 32);
}

/** Records the key's id if the cluster has none; throws if the cluster's is another. */
export async function checkClusterBonusKey(redis: Pick<Redis, 'set' | 'get'>, key: Secret<Uint8Array>): Promise<void> {
  const mine = bonusKeyId(key);
  await redis.set(BONUS_KEY_ID, mine, 'NX');
  const theirs = await redis.get(BONUS_KEY_ID);
  if (theirs !== mine)
    throw new Error(
      `this process's bonus IP key (id ${mine}) is not the one the cluster's other processes use (id ${theirs}): ` +
        `every process must hash client IPs with the same key, or each would give every IP its own starting bonus. ` +
        `Give this process the cluster's key (BONUS_IP_KEY, or the other processes' DATA_DIR/keys/bonus-ip.key). ` +
        `If the key was changed on purpose on every process, delete the Redis key ${BONUS_KEY_ID} once all of them are stopped (docs/operations.md: Cash-outs and the starting bonus)`,
    );
}
