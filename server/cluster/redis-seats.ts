/**
 * Seats across the cluster, in Redis: a sorted set per address whose members are seats and
 * whose scores are expiry times, renewed by the process hosting each seat, so a dead process's
 * seats lapse on their own.
 *
 * Dice seats of one address must all be on one process: chips are reserved for bets in the
 * memory of the process that takes them, and two processes each reserving the whole balance
 * would let a player stake it twice.
 * @module
 */
import type { Redis } from 'ioredis';
import { SeatRefused, seatCapMessage, type Seat, type SeatRegistry } from '../auth/seats.ts';
import { KEY_PREFIX } from './cluster-node.ts';

const SEAT_TTL_MS = 15_000;
const RENEW_MS = 5_000;

// ARGV: now, expiry, member, cap, game, node. Members are game|node|room|session.
const CLAIM = `
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1])
if redis.call('zscore', KEYS[1], ARGV[3]) then
  redis.call('zadd', KEYS[1], ARGV[2], ARGV[3])
  return 'ok'
end
local seats = redis.call('zrange', KEYS[1], 0, -1)
if #seats >= tonumber(ARGV[4]) then return 'seat-cap' end
if ARGV[5] == 'dice' then
  for _, seat in ipairs(seats) do
    local game, node = string.match(seat, '^([^|]*)|([^|]*)|')
    if game == 'dice' and node ~= ARGV[6] then return 'chips-elsewhere' end
  end
end
redis.call('zadd', KEYS[1], ARGV[2], ARGV[3])
redis.call('pexpireat', KEYS[1], ARGV[2])
return 'ok'`;

export class RedisSeatRegistry implements SeatRegistry {
  /** Seats this process hosts: address key -> members. */
  readonly #hosted = new Map<string, Set<string>>();
  readonly #renewal: ReturnType<typeof setInterval>;

  constructor(
    private readonly redis: Redis,
    private readonly nodeId: string,
    private readonly cap: number,
  ) {
    this.#renewal = setInterval(() => void this.#renew().catch(() => undefined), RENEW_MS);
    this.#renewal.unref();
  }

  async claim(seat: Seat): Promise<void> {
    const key = this.#key(seat.address);
    const member = this.#member(seat);
    const now = Date.now();
    const verdict = await this.redis.eval(CLAIM, 1, key, now, now + SEAT_TTL_MS, member, this.cap, seat.game, this.nodeId);
    if (verdict === 'seat-cap') throw new SeatRefused('seat-cap', seatCapMessage(this.cap));
    if (verdict === 'chips-elsewhere')
      throw new SeatRefused('chips-elsewhere', 'this address is at a dice table hosted by another server process: leave it first (chips are held by one process at a time)');
    const held = this.#hosted.get(key) ?? new Set<string>();
    held.add(member);
    this.#hosted.set(key, held);
  }

  async release(seat: Seat): Promise<void> {
    const key = this.#key(seat.address);
    const member = this.#member(seat);
    const held = this.#hosted.get(key);
    held?.delete(member);
    if (held?.size === 0) this.#hosted.delete(key);
    await this.redis.zrem(key, member);
  }

  async close(): Promise<void> {
    clearInterval(this.#renewal);
    const pipeline = this.redis.pipeline();
    for (const [key, members] of this.#hosted) pipeline.zrem(key, ...members);
    this.#hosted.clear();
    await pipeline.exec().catch(() => undefined);
  }

  async #renew(): Promise<void> {
    if (this.#hosted.size === 0) return;
    const expiry = Date.now() + SEAT_TTL_MS;
    const pipeline = this.redis.pipeline();
    for (const [key, members] of this.#hosted) {
      for (const member of members) pipeline.zadd(key, 'XX', expiry, member);
      pipeline.pexpireat(key, expiry);
    }
    await pipeline.exec();
  }

  #key(address: string): string {
    return `${KEY_PREFIX}seats:${address.toLowerCase()}`;
  }

  #member(seat: Seat): string {
    return `${seat.game}|${this.nodeId}|${seat.roomId}|${seat.sessionId}`;
  }
}
