/**
 * The rate limits' buckets (rate-limiter-flexible): each counts points per key (a client IP or
 * a signed-in address) in a fixed window, and refuses with how long until the key may try
 * again. In one process the counts live in memory; with `REDIS_URL` they live in Redis, so
 * that every process of a cluster counts a client once, with memory as the fallback while
 * Redis does not answer (a client is then counted per process, never not at all).
 * @module
 */
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../config.ts';

/** The buckets, each sized for what it protects (docs/operations.md, Rate limits). */
export const LIMIT_NAMES = ['http', 'expensive', 'joins', 'room-creates', 'room-creates-ip'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

/** A refusal: which limit, and the whole seconds until the key's window ends. */
export interface Refusal {
  readonly limit: LimitName;
  readonly retryAfterSeconds: number;
  /** For the client: the limit, its size and when to come back. */
  readonly message: string;
}

export interface RateLimitHooks {
  /** Counts a refusal (metrics). */
  refused?(limit: LimitName): void;
  /** A store error let a request through unchecked (Redis and its fallback both failed). */
  storeFailed?(limit: LimitName, err: unknown): void;
}

const KEY_PREFIX = 'fairplay:ratelimit:';

export class RateLimits {
  readonly #buckets: ReadonlyMap<LimitName, { limiter: RateLimiterAbstract; points: number }>;

  private constructor(
    private readonly config: RateLimitConfig,
    private readonly hooks: RateLimitHooks,
    private readonly redis: Redis | undefined,
  ) {
    const points: Record<LimitName, number> = {
      http: config.http,
      expensive: config.expensive,
      joins: config.joins,
      'room-creates': config.roomCreates,
      'room-creates-ip': config.roomCreatesPerIp,
    };
    const duration = config.windowSeconds;
    this.#buckets = new Map(
      LIMIT_NAMES.filter((name) => points[name] > 0).map((name) => {
        const options = { keyPrefix: `${KEY_PREFIX}${name}`, points: points[name], duration };
        const memory = new RateLimiterMemory(options);
        const limiter = redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory }) : memory;
        return [name, { limiter, points: points[name] }] as const;
      }),
    );
  }

  /**
   * In memory, or in the Redis at `redisUrl` over a connection of their own: a flood's counting
   * never queues behind the cluster's own commands (liveness, leases).
   */
  static create(config: RateLimitConfig, hooks: RateLimitHooks = {}, redisUrl?: string): RateLimits {
    // No offline queue: while Redis is away a count fails at once and the memory fallback takes it.
    const redis = redisUrl ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : undefined;
    redis?.on('error', () => {}); // reconnects on its own; each failed count falls back to memory
    return new RateLimits(config, hooks, redis);
  }

  /** Whether the bucket counts at all (its size is not 0). */
  enabled(limit: LimitName): boolean {
    return this.#buckets.has(limit);
  }

  /** Takes a point from `key`'s bucket; the refusal when it has none left, else undefined. */
  async consume(limit: LimitName, key: string): Promise<Refusal | undefined> {
    const bucket = this.#buckets.get(limit);
    if (!bucket) return undefined;
    try {
      await bucket.limiter.consume(key);
      return undefined;
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) {
        this.hooks.storeFailed?.(limit, e);
        return undefined;
      }
      this.hooks.refused?.(limit);
      const retryAfterSeconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      const message = `rate limited (${limit}): more than ${bucket.points} in ${this.config.windowSeconds} s; retry in ${retryAfterSeconds} s`;
      return { limit, retryAfterSeconds, message };
    }
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
