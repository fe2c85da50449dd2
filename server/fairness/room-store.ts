/**
 * Where room transcripts live: `rooms/open/<roomId>.jsonl` while a room runs (or until it is
 * reconciled after a crash), then `rooms/closed/<roomId>.jsonl`, kept for auditors. Serves
 * transcripts of live and finished rooms alike.
 * @module
 */
import { access, mkdir, open as openFile, readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import type { FairnessContext } from './context.ts';
import { listClosedRooms, type ClosedRoomsPage } from './closed-rooms.ts';
import { RoomTranscript } from './room-transcript.ts';

const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isRoomId(id: string): boolean {
  return ROOM_ID.test(id);
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

export interface RoomDirs {
  /** Transcripts of the rooms this store runs. */
  readonly openDir: string;
  readonly closedDir: string;
  /** Where other processes of a cluster keep the transcripts of rooms they run. */
  readonly peerOpenDirs?: () => Promise<string[]>;
}

export class RoomStore {
  readonly #live = new Map<string, RoomTranscript>();
  readonly #openDir: string;
  readonly #closedDir: string;
  readonly #peerOpenDirs: () => Promise<string[]>;

  constructor(
    dirs: RoomDirs,
    private readonly ctx: FairnessContext,
  ) {
    this.#openDir = dirs.openDir;
    this.#closedDir = dirs.closedDir;
    this.#peerOpenDirs = dirs.peerOpenDirs ?? (async () => []);
  }

  async init(): Promise<void> {
    await mkdir(this.#openDir, { recursive: true, mode: 0o700 });
    await mkdir(this.#closedDir, { recursive: true, mode: 0o700 });
  }

  /** Opens (or creates) a running room's transcript. */
  async open(roomId: string): Promise<RoomTranscript> {
    if (!isRoomId(roomId)) throw new Error(`invalid room id "${roomId}"`);
    // A finished room's transcript is kept for auditors: a new room never takes its id.
    if (await exists(join(this.#closedDir, `${roomId}.jsonl`))) throw new Error(`room id ${roomId} was used before`);
    const room = await RoomTranscript.open(join(this.#openDir, `${roomId}.jsonl`), roomId, this.ctx);
    this.#live.set(roomId, room);
    return room;
  }

  /** Closes a room whose draws are all settled or voided and files its transcript as finished. */
  async finish(room: RoomTranscript): Promise<void> {
    await room.finish();
    // Filed only once the indexes hold its records: a start reads again only rooms still open (recovery) and rooms the indexes never saw.
    await this.ctx.index?.flush(room.roomId);
    await rename(join(this.#openDir, `${room.roomId}.jsonl`), join(this.#closedDir, `${room.roomId}.jsonl`));
    this.#live.delete(room.roomId);
  }

  /** Rooms left open by a previous run: the process stopped before they finished. */
  async leftOpen(): Promise<string[]> {
    const names = await readdir(this.#openDir);
    return names.filter((n) => n.endsWith('.jsonl')).map((n) => n.slice(0, -6)).filter((id) => isRoomId(id) && !this.#live.has(id));
  }

  /** The finished rooms, in the order they were filed, a page at a time. */
  closedRooms(opts: { after?: string; limit: number }): Promise<ClosedRoomsPage> {
    return listClosedRooms(this.#closedDir, opts);
  }

  /** The transcript of a live or finished room, or undefined if there is no such room. */
  async transcript(roomId: string): Promise<Transcript | undefined> {
    if (!isRoomId(roomId)) return undefined;
    const live = this.#live.get(roomId);
    if (live) {
      try {
        return await live.transcript();
      } catch (e) {
        // Filed as finished while we read: its transcript has just moved to the closed directory.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    // Finished first: a room filed while we look moves from its open directory to this one.
    for (const dir of [this.#closedDir, ...(await this.#peerOpenDirs()), this.#closedDir]) {
      try {
        return await RoomTranscript.load(join(dir, `${roomId}.jsonl`), roomId, this.ctx);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    return undefined;
  }
}
