/**
 * Seed commitments are used once per VRF key: a commitment that appeared in any receipt, of any
 * room, on any process, before or after a restart, is refused for a new draw. A draw on a
 * commitment whose seed was revealed before would let the server, which saw that seed, choose
 * the other inputs of alpha knowing the player's (FAIRNESS.md); the verifier flags a reuse inside
 * one transcript, and this registry keeps the server from ever writing one, across transcripts.
 *
 * `claim` is the first step of a receipt (`RoomTranscript.receipt`), before anything is signed:
 * all of a draw's commitments or none. This module holds the interface and the one-process
 * backend; the cluster's is `server/cluster/redis-commitments.ts`.
 *
 * The local backend (`LocalCommitmentRegistry`) holds the used commitments in memory and keeps
 * them in `index/commitments.jsonl`, appended from the durable receipts (not from the claims),
 * without waiting for the disk on each draw. Why that is enough:
 * - a claim whose receipt never became durable may be forgotten in a crash: no transcript holds
 *   the commitment, so using it later is no reuse;
 * - a durable receipt whose line the index lost in a crash is in a room that was still open
 *   (a room is filed as closed only after the index flushed its records: `RoomStore.finish`),
 *   and recovery reads every record of such a room again at the next start;
 * - a filed room the index never saw (the index file is new, or was lost) is read at start
 *   (`catchUpIndexes`), and only such rooms: the file names which rooms it holds whole, so a
 *   start reads no transcript it already indexed.
 * @module
 */
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { z } from 'zod';
import { Journal } from '../storage/journal.ts';
import type { RecordIndex } from './record-index.ts';

/** A draw refused because one of its seed commitments was used before (or twice in the draw). */
export class CommitmentUsed extends Error {
  constructor(readonly commitment: string) {
    super(`seed commitment ${commitment} was used before: commit to a fresh seed`);
  }
}

export interface CommitmentRegistry {
  /**
   * Marks a new draw's commitments (lowercase hex) used, all or none. Throws CommitmentUsed,
   * naming a commitment, if any was used before or appears twice.
   */
  claim(commitments: readonly string[]): Promise<void>;
}

/** A line of `index/commitments.jsonl`: a receipt's commitments, or a room filed whole (every receipt of it is in). */
const EntrySchema = z.union([
  z.strictObject({ room: z.string(), draw: z.number().int().min(0), c: z.array(z.string().regex(/^[0-9a-f]{64}$/)) }),
  z.strictObject({ closed: z.string() }),
]);
type Entry = z.infer<typeof EntrySchema>;
const parseEntry = (value: unknown): Entry => EntrySchema.parse(value);

export class LocalCommitmentRegistry implements CommitmentRegistry, RecordIndex {
  /** Commitments of durable receipts (on disk, or on their way there). */
  readonly #used = new Set<string>();
  /** Claimed for a receipt not yet written (or never written: a claim is not given back). */
  readonly #claimed = new Set<string>();
  /** Rooms whose every receipt is in (their close record was seen). */
  readonly #closed = new Set<string>();
  #written: Promise<void> = Promise.resolve();

  /** Without a journal: in memory only (tests, tools). */
  constructor(private readonly journal?: Journal<Entry>) {}

  /** Loads `path` (created if missing): every commitment of the receipts it holds. */
  static async open(path: string): Promise<LocalCommitmentRegistry> {
    const { journal, entries } = await Journal.open<Entry>(path, parseEntry);
    const registry = new LocalCommitmentRegistry(journal);
    for (const e of entries) {
      if ('closed' in e) registry.#closed.add(e.closed);
      else for (const c of e.c) registry.#used.add(c);
    }
    return registry;
  }

  async claim(commitments: readonly string[]): Promise<void> {
    const fresh = new Set<string>();
    for (const c of commitments) {
      if (this.#used.has(c) || this.#claimed.has(c) || fresh.has(c)) throw new CommitmentUsed(c);
      fresh.add(c);
    }
    for (const c of fresh) this.#claimed.add(c);
  }

  record(record: HashedRecord): void {
    if (this.#closed.has(record.roomId)) return;
    if (record.type === 'close') {
      this.#closed.add(record.roomId);
      this.#append({ closed: record.roomId });
      return;
    }
    if (record.type !== 'receipt') return;
    const c = record.commitments.map((x) => x.toLowerCase());
    if (c.every((x) => this.#used.has(x))) return; // fed again (recovery)
    for (const x of c) {
      this.#used.add(x);
      this.#claimed.delete(x);
    }
    this.#append({ room: record.roomId, draw: record.drawSeq, c });
  }

  /** Every line appended so far is on disk (one journal: the room does not matter). */
  flush(): Promise<void> {
    return this.#written;
  }

  async unindexed(closedRoomIds: readonly string[]): Promise<{ lost: boolean; rooms: string[] }> {
    return { lost: false, rooms: closedRoomIds.filter((id) => !this.#closed.has(id)) };
  }

  async caughtUp(): Promise<void> {}

  async close(): Promise<void> {
    await this.journal?.close();
  }

  #append(entry: Entry): void {
    if (!this.journal) return;
    // Not awaited by the room: only filing a room waits (flush). The journal writes in order and
    // a failed write fails every later one, so the last append stands for all before it.
    this.#written = this.journal.append(entry);
    this.#written.catch(() => undefined);
  }
}
