/**
 * The rooms of this process, and the transcripts of every room: rooms and their records are in
 * the database (`room-records.ts`), so a transcript is served the same whether its room runs
 * here, runs on another process of the cluster, or is finished (`server/transcript-route.ts`
 * streams it from the stored rows). A room is stored at its first
 * record, open and owned by this process (`local`, or its NODE_ID), and filed as closed once its
 * close record is durable and the indexes hold its records; a room that never had a record leaves
 * nothing in storage, so creating rooms costs the creator, not the disk.
 * @module
 */
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import type { FairnessContext } from './context.ts';
import { transcriptHeader } from './room-journal.ts';
import type { ClosedRoomsPage, RoomFiling, RoomRecords, StoredRecord } from './room-records.ts';
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

  /** The header every transcript of the room carries, before its records. */
  header(roomId: string): Omit<Transcript, 'records'> {
    return transcriptHeader(roomId, this.ctx);
  }

  /**
   * Whether the room is open or filed as finished (with its record count and head); undefined if
   * there is no such room. A room live here with no record yet is stored nowhere, but it is open:
   * its transcript is empty, not missing.
   */
  async filing(roomId: string): Promise<RoomFiling | undefined> {
    if (!isRoomId(roomId)) return undefined;
    return (await this.records.filing(roomId)) ?? (this.#unstored.has(roomId) ? { status: 'open' } : undefined);
  }

  /** How many durable records a room has so far. */
  recordCount(roomId: string): Promise<number> {
    return this.records.recordCount(roomId);
  }

  /** The stored JSON of records [from, from + limit), served as written (`RoomRecords.storedRecords`). */
  storedRecords(roomId: string, from: number, limit: number): Promise<StoredRecord[]> {
    return this.records.storedRecords(roomId, from, limit);
  }

  #opened(room: RoomTranscript): RoomTranscript {
    this.#live.set(room.roomId, room);
    return room;
  }
}
