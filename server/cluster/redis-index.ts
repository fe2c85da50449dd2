/**
 * What the cluster's Redis indexes (used commitments, players' draws) share: the writes each
 * record makes, tracked per room so a room is filed only once its records are in Redis (a write
 * that failed is tried again then), the set of rooms filed whole, and the `ready` key that says
 * the index holds every transcript.
 *
 * Redis may lose its keys (a restart without persistence, FLUSHALL). The `ready` key goes with
 * them, and an index without it is rebuilt from the transcripts (every filed room and every
 * room open on any process: `catchUpIndexes`), which stay the source of truth; until then the
 * commitment registry claims nothing and the draw index answers nothing (each waits for the
 * rebuild). A start in front of an empty Redis is such a rebuild too.
 * @module
 */
import type { Redis } from 'ioredis';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import type { RecordIndex } from '../indexes/record-index.ts';
import { KEY_PREFIX } from './cluster-node.ts';

/** The prefix of an index's keys: per VRF key, since commitments are used once per key. */
export const indexPrefix = (keyId: string, index: string): string => `${KEY_PREFIX}index:${keyId}:${index}:`;

const RETRIES_MS = [200, 1_000, 3_000];

export abstract class RedisRecordIndex implements RecordIndex {
  /** Writes in flight, per room. */
  readonly #inFlight = new Map<string, Set<Promise<unknown>>>();
  /** Records whose write failed, per room: written again when the room is flushed. */
  readonly #failed = new Map<string, HashedRecord[]>();
  /** Rooms whose close record came: marked filed whole once their other writes are in. */
  readonly #closing = new Set<string>();
  #rebuilding: Promise<void> | undefined;

  constructor(
    protected readonly redis: Redis,
    protected readonly prefix: string,
    /** Rebuilds every index from the transcripts (catchUpIndexes); called when `ready` is gone. */
    private readonly rebuild: () => Promise<void>,
  ) {}

  /** The Redis writes of one record (none for a record the index ignores). */
  protected abstract write(record: HashedRecord): Promise<unknown> | undefined;

  record(record: HashedRecord): void {
    if (record.type === 'close') return void this.#closing.add(record.roomId);
    const write = this.write(record);
    if (!write) return;
    const room = record.roomId;
    const pending = this.#inFlight.get(room) ?? new Set<Promise<unknown>>();
    this.#inFlight.set(room, pending);
    const tracked: Promise<unknown> = write
      .catch(() => {
        const failed = this.#failed.get(room) ?? [];
        failed.push(record);
        this.#failed.set(room, failed);
      })
      .finally(() => {
        pending.delete(tracked);
        if (pending.size === 0 && this.#inFlight.get(room) === pending) this.#inFlight.delete(room);
      });
    pending.add(tracked);
  }

  async flush(roomId: string): Promise<void> {
    await Promise.all(this.#inFlight.get(roomId) ?? []);
    const failed = this.#failed.get(roomId) ?? [];
    // In order, since an end is placed on its receipt's draw.
    for (const wait of [...RETRIES_MS, undefined]) {
      try {
        while (failed.length > 0) {
          await this.write(failed[0]!);
          failed.shift();
        }
        this.#failed.delete(roomId);
        // Filed whole only once every other record of the room is in.
        if (this.#closing.has(roomId)) await this.redis.sadd(`${this.prefix}rooms`, roomId);
        this.#closing.delete(roomId);
        return;
      } catch (err) {
        if (wait === undefined) throw new Error(`could not index room ${roomId} in Redis: ${(err as Error).message}`, { cause: err });
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  async unindexed(closedRoomIds: readonly string[]): Promise<{ lost: boolean; rooms: string[] }> {
    if (!(await this.isReady())) return { lost: true, rooms: [...closedRoomIds] };
    const rooms: string[] = [];
    for (let i = 0; i < closedRoomIds.length; i += 1000) {
      const chunk = closedRoomIds.slice(i, i + 1000);
      const known = await this.redis.smismember(`${this.prefix}rooms`, ...chunk);
      chunk.forEach((id, j) => known[j] === 0 && rooms.push(id));
    }
    return { lost: false, rooms };
  }

  async caughtUp(): Promise<void> {
    await this.redis.set(`${this.prefix}ready`, '1');
  }

  protected async isReady(): Promise<boolean> {
    return (await this.redis.exists(`${this.prefix}ready`)) === 1;
  }

  /** Waits for a rebuild of the indexes (one at a time in this process). */
  protected whenRebuilt(): Promise<void> {
    this.#rebuilding ??= this.rebuild().finally(() => (this.#rebuilding = undefined));
    return this.#rebuilding;
  }
}
