/**
 * What the other processes of a cluster write, made known here: their awards are read from their
 * journals as they grow (so the outbox is the cluster's), and the rooms of a process that died are
 * settled by a survivor, as its own restart would have. Chips and rooms need no following: every
 * process reads and writes them in the shared database; a dead process's open rooms are found
 * there by their owner.
 * @module
 */
import type { Logger } from 'pino';
import { parseAward, type JournalAwardSink } from '../awards/award-sink.ts';
import type { Award } from '../awards/award-sink.ts';
import { nodeFiles, peerIds } from '../storage/data-layout.ts';
import { JournalFollower } from '../storage/journal-follower.ts';
import { LIVENESS_MS, type ClusterNode, type Lease } from './cluster-node.ts';

const FOLLOW_MS = 250;
const RECOVER_MS = 2_000;

export interface PeerSyncOptions {
  readonly nodesDir: string;
  readonly node: ClusterNode;
  readonly awards: JournalAwardSink;
  /** The processes (NODE_IDs) with rooms open in the database. */
  readonly ownersWithOpenRooms: () => Promise<string[]>;
  /** Settles and files every room `owner` left open while `lease` stays ours; resolves with how many. */
  readonly recover: (owner: string, lease: Lease) => Promise<number>;
  readonly log: Logger;
}

export class PeerSync {
  readonly #followers = new Map<string, { awards: JournalFollower<Award> }>();
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #lastPass: Promise<unknown> = Promise.resolve();
  #nextPass: Promise<void> | undefined;
  #recovering: Promise<void> | undefined;
  readonly #absentSince = new Map<string, number>();
  /** The last read failure logged per peer: logged once, not every pass. */
  readonly #reported = new Map<string, string>();

  constructor(private readonly o: PeerSyncOptions) {}

  start(): void {
    const every = (ms: number, work: () => Promise<void>, what: string) => {
      const timer = setInterval(() => void work().catch((err: unknown) => this.o.log.warn({ err }, `${what} failed`)), ms);
      timer.unref();
      this.#timers.push(timer);
    };
    every(FOLLOW_MS, () => this.catchUp(), 'reading other processes\' journals');
    every(RECOVER_MS, () => this.recoverDeadPeers(), 'settling a dead process\'s rooms');
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    await Promise.allSettled([this.#lastPass, this.#recovering]);
  }

  /**
   * Reads what the other processes appended before this call. Passes run one at a time; a call
   * during a pass waits for the next one (the running pass may have read a file before the
   * caller's entry landed), and calls waiting together share it.
   */
  catchUp(): Promise<void> {
    if (!this.#nextPass) {
      const pass = this.#lastPass.then(() => {
        this.#nextPass = undefined;
        return this.#catchUp();
      });
      this.#nextPass = pass;
      this.#lastPass = pass.catch(() => undefined);
    }
    return this.#nextPass;
  }

  /** Settles the open rooms of every process whose liveness lapsed (one survivor each, by lease). */
  recoverDeadPeers(): Promise<void> {
    this.#recovering ??= this.#recoverDeadPeers().finally(() => (this.#recovering = undefined));
    return this.#recovering;
  }

  async #catchUp(): Promise<void> {
    for (const id of await this.#peers()) {
      let follower = this.#followers.get(id);
      if (!follower) {
        const files = nodeFiles(this.o.nodesDir, id);
        follower = { awards: new JournalFollower(files.awards, parseAward) };
        this.#followers.set(id, follower);
      }
      // One peer's unreadable journal must not stop reading the others (nor settling the dead).
      try {
        this.o.awards.absorb(follower.awards.path, await follower.awards.pollPlaced());
      } catch (err) {
        const reason = String((err as Error).message);
        if (this.#reported.get(id) !== reason) this.o.log.error({ err, node: id }, 'cannot read another process\'s journal');
        this.#reported.set(id, reason);
      }
    }
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
        // Its last awards first, so they are known here before any is recorded again.
        await this.catchUp();
        if (await this.o.node.isLive(id)) continue; // it came back and settles its own rooms
        const recovered = await this.o.recover(id, lease);
        this.#absentSince.delete(id);
        if (recovered > 0) this.o.log.warn({ node: id, rooms: recovered }, 'settled the rooms of a process that died');
      } finally {
        await lease.release().catch(() => undefined);
      }
    }
  }

  #peers(): Promise<string[]> {
    return peerIds(this.o.nodesDir, this.o.node.nodeId);
  }
}
