/**
 * Seats across the cluster, in Redis: a sorted set per address whose members are seats and
 * whose scores are expiry times, renewed by the process hosting each seat, so a dead process's
 * seats lapse on their own.
 *
 * Seats of one address at games that stake chips (dice, blackjack) must all be on one process: chips are reserved for bets in the
 * memory of the process that takes them, and two processes each reserving the whole balance
 * would let a player stake it twice.
 * @module
 */
import type { Redis } from 'ioredis';
import { CHIPS_ELSEWHERE_CASH_OUT, SeatRefused, seatCapMessage, type Seat, type SeatRegistry } from '../auth/seats.ts';
import { KEY_PREFIX } from './cluster-node.ts';

const SEAT_TTL_MS = 15_000;
const RENEW_MS = 5_000;

// Times come from Redis' clock, not from each process's: one host's clock running ahead must
// not expire another's live seats.
const NOW_MS = `local t = redis.call('time'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// ARGV: ttl, member, cap, stake kind, node. Members are kind|node|room|session, where kind is
// 'chips' for a game that stakes chips and 'free' for one that does not.
const CLAIM = `${NOW_MS}
redis.call('zremrangebyscore', KEYS[1], '-inf', now)
local expiry = now + tonumber(ARGV[1])
if redis.call('zscore', KEYS[1], ARGV[2]) then
  redis.call('zadd', KEYS[1], expiry, ARGV[2])
  return 'ok'
end
local seats = redis.call('zrange', KEYS[1], 0, -1)
if #seats >= tonumber(ARGV[3]) then return 'seat-cap' end
if ARGV[4] == 'chips' then
  for _, seat in ipairs(seats) do
    local kind, node = string.match(seat, '^([^|]*)|([^|]*)|')
    if kind == 'chips' and node ~= ARGV[5] then return 'chips-elsewhere' end
  end
end
redis.call('zadd', KEYS[1], expiry, ARGV[2])
redis.call('pexpireat', KEYS[1], expiry)
return 'ok'`;

// ARGV: ttl, member, node. A cash-out's hold: refused if a chips seat of another node is live;
// else a chips seat of this node (no cap: it is no table), so no other node seats the address at one meanwhile.
const HOLD = `${NOW_MS}
redis.call('zremrangebyscore', KEYS[1], '-inf', now)
for _, seat in ipairs(redis.call('zrange', KEYS[1], 0, -1)) do
  local kind, node = string.match(seat, '^([^|]*)|([^|]*)|')
  if kind == 'chips' and node ~= ARGV[3] then return 'chips-elsewhere' end
end
local expiry = now + tonumber(ARGV[1])
redis.call('zadd', KEYS[1], expiry, ARGV[2])
if redis.call('pttl', KEYS[1]) < tonumber(ARGV[1]) then redis.call('pexpireat', KEYS[1], expiry) end
return 'ok'`;

// ARGV: ttl, members. The host of a seat is its authority: seats Redis lost are put back.
const RENEW = `${NOW_MS}
local expiry = now + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('zadd', KEYS[1], expiry, ARGV[i]) end
redis.call('pexpireat', KEYS[1], expiry)
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
    this.#renewal = setInterval(() => void this.renew().catch(() => undefined), RENEW_MS);
    this.#renewal.unref();
  }

  async claim(seat: Seat): Promise<void> {
    const key = this.#key(seat.address);
    const member = this.#member(seat);
    const verdict = await this.redis.eval(CLAIM, 1, key, SEAT_TTL_MS, member, this.cap, stakeKind(seat), this.nodeId);
    if (verdict === 'seat-cap') throw new SeatRefused('seat-cap', seatCapMessage(this.cap));
    if (verdict === 'chips-elsewhere')
      throw new SeatRefused('chips-elsewhere', 'this address sits at a table that stakes chips on another server process: leave it first (chips are held by one process at a time)');
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

  async holdChips(address: string, id: string): Promise<() => Promise<void>> {
    const key = this.#key(address);
    const member = `chips|${this.nodeId}|cash-out|${id}`;
    const verdict = await this.redis.eval(HOLD, 1, key, SEAT_TTL_MS, member, this.nodeId);
    if (verdict === 'chips-elsewhere') throw new SeatRefused('chips-elsewhere', CHIPS_ELSEWHERE_CASH_OUT);
    return async () => void (await this.redis.zrem(key, member).catch(() => undefined));
  }

  async close(): Promise<void> {
    clearInterval(this.#renewal);
    const pipeline = this.redis.pipeline();
    for (const [key, members] of this.#hosted) pipeline.zrem(key, ...members);
    this.#hosted.clear();
    await pipeline.exec().catch(() => undefined);
  }

  /** Re-asserts every seat this process hosts; runs every RENEW_MS on its own. */
  async renew(): Promise<void> {
    if (this.#hosted.size === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [key, members] of this.#hosted) pipeline.eval(RENEW, 1, key, SEAT_TTL_MS, ...members);
    await pipeline.exec();
  }

  #key(address: string): string {
    return `${KEY_PREFIX}seats:${address.toLowerCase()}`;
  }

  #member(seat: Seat): string {
    return `${stakeKind(seat)}|${this.nodeId}|${seat.roomId}|${seat.sessionId}`;
  }
}

const stakeKind = (seat: Seat): 'chips' | 'free' => (seat.stakesChips ? 'chips' : 'free');
