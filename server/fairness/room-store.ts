/**
 * The rooms of this process, and the transcripts of every room: rooms and their records are in
 * the database (`room-records.ts`), so a transcript is served the same whether its room runs
 * here, runs on another process of the cluster, or is finished. A room is stored at its first
 * record, open and owned by this process (`local`, or its NODE_ID), and filed as closed once its
 * close record is durable and the indexes hold its records; a room that never had a record leaves
 * nothing in storage, so creating rooms costs the creator, not the disk.
 * @module
 */
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import type { FairnessContext } from './context.ts';
import { transcriptHeader } from './room-journal.ts';
import type { ClosedRoomsPage, RoomRecords } from './room-records.ts';
import { RoomTranscript } from './room-transcript.ts';

const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isRoomId(id: string): boolean {
  return ROOM_ID.test(id);
}

export class RoomStore {
  readonly #live = new Map<string, RoomTranscript>();
  /** Rooms opened here and not stored yet: stored by their first record, if they ever have one. */
  readonly #unstored = new Set<string>();

  constructor(
    private readonly records: RoomRecords,
    /** Whose rooms this store opens and recovers: `local`, or the process's NODE_ID. */
    readonly owner: string,
    private readonly ctx: FairnessContext,
  ) {}

  /** Creates a new room's transcript, stored at its first record; a room id is never reused, not even a finished room's. */
  async open(roomId: string): Promise<RoomTranscript> {
    if (!isRoomId(roomId)) throw new Error(`invalid room id "${roomId}"`);
    const log = await this.records.start(roomId, this.owner, this.ctx.now());
    this.#unstored.add(roomId);
    return this.#opened(await RoomTranscript.open(log, roomId, this.ctx));
  }

  /** Opens a room left open (by this owner's previous run, or a dead process), to settle and file it. */
  async resume(roomId: string): Promise<RoomTranscript> {
    return this.#opened(await RoomTranscript.open(this.records.log(roomId), roomId, this.ctx));
  }

  /** Closes a room whose draws are all settled or voided and files it as finished. */
  async finish(room: RoomTranscript): Promise<void> {
    const unstored = this.#unstored.delete(room.roomId);
    if (unstored && room.recordCount === 0) {
      // Never stored: nothing to close or file, and nothing left behind.
      this.#live.delete(room.roomId);
      return;
    }
    await room.finish();
    // Filed only once the indexes hold its records: a start reads again only rooms still open (recovery) and rooms the indexes never saw.
    await this.ctx.index?.flush(room.roomId);
    await this.records.markClosed(room.roomId);
    this.#live.delete(room.roomId);
  }

  /** Sets aside a room whose records cannot be read back (recovery found it damaged). */
  async quarantine(roomId: string, reason: string): Promise<void> {
    this.#live.delete(roomId);
    this.#unstored.delete(roomId);
    await this.records.quarantine(roomId, reason, this.ctx.now());
  }

  /** Why a room was set aside, and when; undefined for a sound room or no room. */
  damage(roomId: string): Promise<{ reason: string; at: number } | undefined> {
    return isRoomId(roomId) ? this.records.damage(roomId) : Promise.resolve(undefined);
  }

  /** Rooms this owner left open: its process stopped before they finished. */
  async leftOpen(): Promise<string[]> {
    return (await this.records.leftOpen(this.owner)).filter((id) => !this.#live.has(id));
  }

  /** The finished rooms, in the order they were filed, a page at a time. */
  closedRooms(opts: { after?: string; limit: number }): Promise<ClosedRoomsPage> {
    return this.records.closedRooms(opts);
  }

  /** The transcript of a live or finished room (its durable records), or undefined if there is no such room. */
  async transcript(roomId: string): Promise<Transcript | undefined> {
    if (!isRoomId(roomId)) return undefined;
    const records = (await this.records.records(roomId)) ?? this.#notYetStored(roomId);
    return records && { ...transcriptHeader(roomId, this.ctx), records };
  }

  /**
   * `limit` records of a room's transcript from seq `from`, and how many it has so far; undefined
   * if there is no such room. Only the page is read.
   */
  async transcriptPage(roomId: string, from: number, limit: number): Promise<{ transcript: Transcript; total: number } | undefined> {
    if (!isRoomId(roomId)) return undefined;
    // Counted first: records written meanwhile may be in the page, never missing from the count's range.
    const total = await this.records.recordCount(roomId);
    const records = (await this.records.records(roomId, { from, limit })) ?? this.#notYetStored(roomId);
    return records && { transcript: { ...transcriptHeader(roomId, this.ctx), records }, total: Math.max(total, from + records.length) };
  }

  /** A room live here with no record yet is stored nowhere: its transcript is empty, not missing. */
  #notYetStored(roomId: string): HashedRecord[] | undefined {
    return this.#unstored.has(roomId) ? [] : undefined;
  }

  #opened(room: RoomTranscript): RoomTranscript {
    this.#live.set(room.roomId, room);
    return room;
  }
}
