/**
 * The rooms of a process of the cluster that died, settled by a survivor, as its own restart
 * would have. Nothing else needs following: rooms, chips and awards are in the database every
 * process shares, and a dead process's open rooms are found there by their owner (its NODE_ID).
 * @module
 */
import type { Logger } from 'pino';
import { LIVENESS_MS, type ClusterNode, type Lease } from './cluster-node.ts';

const RECOVER_MS = 2_000;

export interface PeerSyncOptions {
  readonly node: ClusterNode;
  /** The processes (NODE_IDs) with rooms open in the database. */
  readonly ownersWithOpenRooms: () => Promise<string[]>;
  /** Settles and files every room `owner` left open while `lease` stays ours; resolves with how many. */
  readonly recover: (owner: string, lease: Lease) => Promise<number>;
  readonly log: Logger;
}

export class PeerSync {
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #recovering: Promise<void> | undefined;
  readonly #absentSince = new Map<string, number>();

  constructor(private readonly o: PeerSyncOptions) {}

  start(): void {
    const every = (ms: number, work: () => Promise<void>, what: string) => {
      const timer = setInterval(() => void work().catch((err: unknown) => this.o.log.warn({ err }, `${what} failed`)), ms);
      timer.unref();
      this.#timers.push(timer);
    };
    every(RECOVER_MS, () => this.recoverDeadPeers(), 'settling a dead process\'s rooms');
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    await Promise.allSettled([this.#recovering]);
  }

  /** Settles the open rooms of every process whose liveness lapsed (one survivor each, by lease). */
  recoverDeadPeers(): Promise<void> {
    this.#recovering ??= this.#recoverDeadPeers().finally(() => (this.#recovering = undefined));
    return this.#recovering;
  }

  async #recoverDeadPeers(): Promise<void> {
    for (const id of await this.o.ownersWithOpenRooms()) {
      if (id === this.o.node.nodeId) continue;
      if (await this.o.node.isLive(id)) {
        this.#absentSince.delete(id);
        continue;
      }
      // Absent for a whole liveness period, not just now: a key Redis lost in a restart is
      // taken back by its live owner within that time (cluster-node.ts).
      const since = this.#absentSince.get(id) ?? Date.now();
      this.#absentSince.set(id, since);
      if (Date.now() - since < LIVENESS_MS) continue;
      const lease = this.o.node.lease(`recover:${id}`, 60_000);
      if (!(await lease.acquire())) continue;
      try {
        if (await this.o.node.isLive(id)) continue; // it came back and settles its own rooms
        const recovered = await this.o.recover(id, lease);
        this.#absentSince.delete(id);
        if (recovered > 0) this.o.log.warn({ node: id, rooms: recovered }, 'settled the rooms of a process that died');
      } finally {
        await lease.release().catch(() => undefined);
      }
    }
  }
}
