/**
 * Players' draws across the cluster, in Redis, so any process answers for draws played on any
 * process: a hash per draw (where its receipt is, and its end once it ended), and a sorted set
 * per address whose members are that address's draws, scored by a counter taken when the draw
 * is first indexed. The score orders the draws oldest first and is the page cursor; a draw
 * indexed later always scores higher, so a pager never misses one behind its cursor.
 *
 * Each record's writes are one Lua script, so a receipt fed again (recovery, a rebuild) keeps
 * its place, and an end is written once.
 * @module
 */
import type { Redis } from 'ioredis';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import type { DrawIndex, DrawsPage, DrawStatus, PlayerDraw } from '../indexes/draws.ts';
import { indexPrefix, RedisRecordIndex } from './redis-index.ts';

// KEYS: the counter, the draw's hash, each player's set. ARGV: the member, then the receipt's fields.
const RECEIPT = `if redis.call('exists', KEYS[2]) == 1 then return 0 end
local n = redis.call('incr', KEYS[1])
redis.call('hset', KEYS[2], 'n', n, 'roomId', ARGV[2], 'drawSeq', ARGV[3], 'receiptSeq', ARGV[4], 'receiptHash', ARGV[5], 'game', ARGV[6], 'kind', ARGV[7], 'issuedAt', ARGV[8], 'status', 'open')
for i = 3, #KEYS do redis.call('zadd', KEYS[i], 'NX', n, ARGV[1]) end
return n`;

// KEYS: the draw's hash. ARGV: status, end seq, end hash. Only an open draw ends.
const END = `if redis.call('hget', KEYS[1], 'status') ~= 'open' then return 0 end
redis.call('hset', KEYS[1], 'status', ARGV[1], 'endSeq', ARGV[2], 'endHash', ARGV[3])
return 1`;

export class RedisDrawIndex extends RedisRecordIndex implements DrawIndex {
  constructor(redis: Redis, keyId: string, rebuild: () => Promise<void>) {
    super(redis, indexPrefix(keyId, 'draws'), rebuild);
  }

  async draws(address: string, page: { after?: string; limit: number }): Promise<DrawsPage> {
    if (!(await this.isReady())) await this.whenRebuilt();
    const scored = await this.redis.zrangebyscore(this.#playerKey(address), page.after === undefined ? '-inf' : `(${page.after}`, '+inf', 'WITHSCORES', 'LIMIT', 0, page.limit + 1);
    const members: { member: string; score: string }[] = [];
    for (let i = 0; i + 1 < scored.length && members.length < page.limit; i += 2) members.push({ member: scored[i]!, score: scored[i + 1]! });
    const pipeline = this.redis.pipeline();
    for (const { member } of members) pipeline.hgetall(this.#drawKey(member));
    const hashes = (await pipeline.exec()) ?? [];
    const draws = hashes.map(([err, value], i): PlayerDraw => {
      if (err) throw err;
      const h = value as Record<string, string>;
      if (!h['roomId']) throw new Error(`draw index: draw ${members[i]!.member} is listed but not held`);
      const draw = {
        roomId: h['roomId'],
        drawSeq: Number(h['drawSeq']),
        receiptSeq: Number(h['receiptSeq']),
        receiptHash: h['receiptHash']!,
        game: h['game']!,
        kind: h['kind']!,
        issuedAt: Number(h['issuedAt']),
        status: h['status'] as DrawStatus,
      };
      return h['endSeq'] === undefined ? draw : { ...draw, endSeq: Number(h['endSeq']), endHash: h['endHash']! };
    });
    return { draws, next: scored.length > 2 * page.limit ? members.at(-1)!.score : null };
  }

  protected write(record: HashedRecord): Promise<unknown> | undefined {
    const member = `${record.roomId}/${record.drawSeq}`;
    if (record.type === 'receipt') {
      const players = [...new Set(record.players.map((p) => this.#playerKey(p)))];
      return this.redis.eval(
        RECEIPT,
        2 + players.length,
        `${this.prefix}n`,
        this.#drawKey(member),
        ...players,
        member,
        record.roomId,
        record.drawSeq,
        record.seq,
        record.hash,
        record.game,
        record.kind,
        record.issuedAt,
      );
    }
    if (record.type === 'outcome' || record.type === 'void')
      return this.redis.eval(END, 1, this.#drawKey(member), record.type === 'void' ? 'void' : 'settled', record.seq, record.hash);
    return undefined;
  }

  #playerKey(address: string): string {
    return `${this.prefix}player:${address.toLowerCase()}`;
  }

  #drawKey(member: string): string {
    return `${this.prefix}draw:${member}`;
  }
}
