/**
 * This process's membership of a cluster of server processes sharing one Redis: a liveness key
 * it renews while it runs, and leases for work that must have one owner at a time. A lease has
 * a time to live, so when its holder dies another process takes it over.
 *
 * Liveness is what lets a survivor settle a dead process's rooms; a process that finds its own
 * liveness key gone (Redis was out of reach past the time to live) may have been declared dead,
 * so it must stop at once rather than write beside whoever took over its work. The key is
 * renewed from a worker thread (liveness-worker.ts), so a main thread kept busy by a request
 * keeps its key; one hung for MAIN_STALL_MS is ended.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RENEW } from './liveness-protocol.ts';
import { startLivenessRenewer, type LivenessRenewer } from './liveness.ts';

export const KEY_PREFIX = 'fairplay:';
/** A process whose key has been absent this long is dead: survivors may settle its rooms. */
export const LIVENESS_MS = 6_000;
const HEARTBEAT_MS = 2_000;
/** A process that has not renewed its liveness for this long stops itself (well before it lapses). */
const FENCE_MS = LIVENESS_MS - 1_500;
/**
 * A main thread that has not turned its event loop for this long is hung, not busy: the process
 * is ended so that its liveness lapses and survivors settle its rooms (liveness-worker.ts).
 */
export const MAIN_STALL_MS = 60_000;

// Delete a key only while it still holds our token: never someone else's (RENEW likewise extends it).
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class Lease {
  readonly #key: string;
  #validUntil = 0;

  constructor(
    private readonly redis: Redis,
    name: string,
    private readonly token: string,
    readonly ttlMs: number,
  ) {
    this.#key = `${KEY_PREFIX}lease:${name}`;
  }

  /** True while the lease is ours by our own (monotonic) clock; renewals keep it so. */
  get held(): boolean {
    return performance.now() < this.#validUntil;
  }

  /** Held, and for at least `ms` more without another renewal. */
  heldFor(ms: number): boolean {
    return performance.now() + ms < this.#validUntil;
  }

  /** Takes the lease if it is free, renews it if it is ours; false if another process holds it. */
  async acquire(): Promise<boolean> {
    const started = performance.now();
    const ok =
      (await this.redis.set(this.#key, this.token, 'PX', this.ttlMs, 'NX')) === 'OK' ||
      (await this.redis.eval(RENEW, 1, this.#key, this.token, this.ttlMs)) === 1;
    // Counted from before the request: the lease may have been granted at any moment since.
    this.#validUntil = ok ? started + this.ttlMs : 0;
    return ok;
  }

  async release(): Promise<void> {
    this.#validUntil = 0;
    await this.redis.eval(RELEASE, 1, this.#key, this.token);
  }
}

export class ClusterNode {
  readonly token = randomBytes(16).toString('hex');
  #renewer: LivenessRenewer | undefined;

  private constructor(
    readonly redis: Redis,
    readonly nodeId: string,
    /** The Redis URL, for the Colyseus presence and driver of this process. */
    readonly url: string,
  ) {}

  /**
   * Connects and claims `nodeId`, waiting out the liveness of a previous run that died; fails if
   * a live process holds the name. `onLost` is called if this process's liveness lapses.
   */
  static async join(url: string, nodeId: string, onLost: (reason: string) => void, opts: { mainStallMs?: number } = {}): Promise<ClusterNode> {
    // Bounded waits: while Redis is away, cluster calls fail instead of hanging rooms and routes.
    const redis = new Redis(url, { commandTimeout: 2_000, maxRetriesPerRequest: 2, lazyConnect: true });
    await redis.connect();
    const node = new ClusterNode(redis, nodeId, url);
    const key = node.#livenessKey(nodeId);
    const deadline = Date.now() + LIVENESS_MS + 1_000;
    while ((await redis.set(key, node.token, 'PX', LIVENESS_MS, 'NX')) !== 'OK') {
      if (Date.now() > deadline) {
        redis.disconnect();
        throw new Error(`another live process runs as NODE_ID ${nodeId}: give each process its own`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    // Renewed from a worker thread with its own connection, so no request on this thread can starve it.
    try {
      node.#renewer = await startLivenessRenewer(
        { url, key, token: node.token, livenessMs: LIVENESS_MS, heartbeatMs: HEARTBEAT_MS, fenceMs: FENCE_MS, mainStallMs: opts.mainStallMs ?? MAIN_STALL_MS },
        onLost,
      );
    } catch (e) {
      await redis.eval(RELEASE, 1, key, node.token).catch(() => undefined);
      redis.disconnect();
      throw e;
    }
    return node;
  }

  lease(name: string, ttlMs: number): Lease {
    return new Lease(this.redis, name, this.token, ttlMs);
  }

  async isLive(nodeId: string): Promise<boolean> {
    return (await this.redis.exists(this.#livenessKey(nodeId))) === 1;
  }

  /** Redis answers within the command timeout. */
  async ping(): Promise<boolean> {
    return this.redis.ping().then((r) => r === 'PONG', () => false);
  }

  async leave(): Promise<void> {
    await this.#renewer?.stop();
    await this.redis.eval(RELEASE, 1, this.#livenessKey(this.nodeId), this.token).catch(() => undefined);
    this.redis.disconnect();
  }

  #livenessKey(nodeId: string): string {
    return `${KEY_PREFIX}node:${nodeId}`;
  }
}
