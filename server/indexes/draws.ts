/**
 * Every draw a player was a party to (their address is in the receipt's `players`), oldest
 * first, a page at a time, for `GET /players/:address/draws`: where each draw's receipt is in
 * its room's transcript and whether it ended (an outcome: settled; a void), so an auditor can
 * fetch the room's transcript and find its records. Fed from the records rooms write.
 *
 * This module holds the interface and the one-process backend; the cluster's is
 * `server/cluster/redis-draws.ts`.
 *
 * The local backend (`LocalDrawIndex`) keeps `index/draws.jsonl`: a line per receipt, a line per
 * outcome or void, a line per filed room. In memory it holds, per address, the file offsets of
 * its draws' receipt lines, and per draw that ended the offset of its end line; a page reads
 * only its own lines, so an answer costs in proportion to the page, not to the history. Its
 * durability is the commitment registry's (`commitments.ts`): lines are appended without
 * waiting for the disk, a room is filed only once they are on it, the records of rooms open at
 * a crash are fed again by recovery, and a filed room the file does not hold is read at start.
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { z } from 'zod';
import { Journal } from '../storage/journal.ts';
import type { RecordIndex } from './record-index.ts';

export type DrawStatus = 'open' | 'settled' | 'void';

/** A draw as the index tells it: the receipt's place and hash, and its end's once it ended. */
export interface PlayerDraw {
  readonly roomId: string;
  readonly drawSeq: number;
  readonly receiptSeq: number;
  readonly receiptHash: string;
  readonly game: string;
  readonly kind: string;
  readonly issuedAt: number;
  readonly status: DrawStatus;
  /** The outcome or void record's seq and hash, once the draw ended. */
  readonly endSeq?: number;
  readonly endHash?: string;
}

export interface DrawsPage {
  readonly draws: PlayerDraw[];
  /** Pass as `after` for the next page; null on the last. */
  readonly next: string | null;
}

export interface DrawIndex {
  /** The draws `address` (any case) was a player of, oldest first, after the cursor `after` (a page's `next`), at most `limit`. */
  draws(address: string, page: { after?: string; limit: number }): Promise<DrawsPage>;
}

/** What every backend's cursor looks like (each is opaque; this is only the shape a request is checked against). */
export const DRAW_CURSOR = /^\d{1,15}$/;

const seq = z.number().int().min(0);
const hash = z.string().regex(/^[0-9a-f]{64}$/);
/** A line of `index/draws.jsonl`: a receipt, the end of a draw, or a room filed whole. */
const EntrySchema = z.union([
  z.strictObject({
    d: z.strictObject({ room: z.string(), draw: seq, seq, hash, game: z.string(), kind: z.string(), at: seq, players: z.array(z.string()) }),
  }),
  z.strictObject({ e: z.strictObject({ room: z.string(), draw: seq, status: z.enum(['settled', 'void']), seq, hash }) }),
  z.strictObject({ closed: z.string() }),
]);
type Entry = z.infer<typeof EntrySchema>;
const parseEntry = (value: unknown): Entry => EntrySchema.parse(value);

export class LocalDrawIndex implements DrawIndex, RecordIndex {
  /** Lowercase address -> offsets of its draws' receipt lines, in the order indexed. */
  readonly #byPlayer = new Map<string, number[]>();
  /** Receipt line offset -> end line offset, for draws that ended. */
  readonly #ends = new Map<number, number>();
  /** Rooms not yet filed: draw number -> receipt line offset (to place an end, and to know a receipt fed again). */
  readonly #rooms = new Map<string, Map<number, number>>();
  /** Rooms filed: every record of theirs is in. */
  readonly #closed = new Set<string>();
  #written: Promise<void> = Promise.resolve();

  private constructor(
    private readonly journal: Journal<Entry>,
    private readonly reader: FileHandle,
  ) {}

  static async open(path: string): Promise<LocalDrawIndex> {
    const { journal, entries, offsets } = await Journal.open<Entry>(path, parseEntry);
    const index = new LocalDrawIndex(journal, await open(path, 'r'));
    entries.forEach((entry, i) => index.#place(entry, offsets[i]!));
    return index;
  }

  record(record: HashedRecord): void {
    const room = record.roomId;
    if (this.#closed.has(room)) return;
    if (record.type === 'close') return this.#append({ closed: room });
    if (record.type === 'receipt') {
      if (this.#rooms.get(room)?.has(record.drawSeq)) return; // fed again (recovery)
      const players = [...new Set(record.players.map((p) => p.toLowerCase()))];
      return this.#append({ d: { room, draw: record.drawSeq, seq: record.seq, hash: record.hash, game: record.game, kind: record.kind, at: record.issuedAt, players } });
    }
    if (record.type !== 'outcome' && record.type !== 'void') return;
    const receipt = this.#rooms.get(room)?.get(record.drawSeq);
    if (receipt === undefined || this.#ends.has(receipt)) return;
    this.#append({ e: { room, draw: record.drawSeq, status: record.type === 'void' ? 'void' : 'settled', seq: record.seq, hash: record.hash } });
  }

  flush(): Promise<void> {
    return this.#written;
  }

  async unindexed(closedRoomIds: readonly string[]): Promise<{ lost: boolean; rooms: string[] }> {
    return { lost: false, rooms: closedRoomIds.filter((id) => !this.#closed.has(id)) };
  }

  async caughtUp(): Promise<void> {}

  async draws(address: string, page: { after?: string; limit: number }): Promise<DrawsPage> {
    const list = this.#byPlayer.get(address.toLowerCase()) ?? [];
    const from = page.after === undefined ? 0 : Number(page.after);
    const lines = list.slice(from, from + page.limit).map((receipt) => ({ receipt, end: this.#ends.get(receipt) }));
    // Every line placed so far is on its way to the disk: the page reads them once they are there.
    await this.#written;
    const draws = await Promise.all(
      lines.map(async ({ receipt, end }): Promise<PlayerDraw> => {
        const { d } = (await this.#read(receipt)) as Extract<Entry, { d: unknown }>;
        const base = { roomId: d.room, drawSeq: d.draw, receiptSeq: d.seq, receiptHash: d.hash, game: d.game, kind: d.kind, issuedAt: d.at };
        if (end === undefined) return { ...base, status: 'open' };
        const { e } = (await this.#read(end)) as Extract<Entry, { e: unknown }>;
        return { ...base, status: e.status, endSeq: e.seq, endHash: e.hash };
      }),
    );
    const to = from + lines.length;
    return { draws, next: to < list.length ? String(to) : null };
  }

  async close(): Promise<void> {
    await this.journal.close();
    await this.reader.close();
  }

  #append(entry: Entry): void {
    const { offsets, written } = this.journal.appendPlaced([entry]);
    // As in the commitment registry: in order, and a failed write fails every later one.
    this.#written = written;
    written.catch(() => undefined);
    if (offsets[0] !== undefined) this.#place(entry, offsets[0]);
  }

  #place(entry: Entry, offset: number): void {
    if ('closed' in entry) {
      this.#closed.add(entry.closed);
      this.#rooms.delete(entry.closed);
    } else if ('d' in entry) {
      const draws = this.#rooms.get(entry.d.room) ?? new Map<number, number>();
      draws.set(entry.d.draw, offset);
      this.#rooms.set(entry.d.room, draws);
      for (const p of entry.d.players) {
        const list = this.#byPlayer.get(p);
        if (list) list.push(offset);
        else this.#byPlayer.set(p, [offset]);
      }
    } else {
      const receipt = this.#rooms.get(entry.e.room)?.get(entry.e.draw);
      if (receipt !== undefined) this.#ends.set(receipt, offset);
    }
  }

  /** The line at `offset` (one the index placed, on disk by now). */
  async #read(offset: number): Promise<Entry> {
    for (let size = 1024; ; size *= 4) {
      const { buffer, bytesRead } = await this.reader.read(Buffer.alloc(size), 0, size, offset);
      const end = buffer.subarray(0, bytesRead).indexOf(0x0a);
      if (end >= 0) return JSON.parse(buffer.subarray(0, end).toString('utf8')) as Entry;
      if (bytesRead < size) throw new Error(`draw index: no whole line at offset ${offset}`);
    }
  }
}
